package org.mqcgm.server; final class Placeholder {}
