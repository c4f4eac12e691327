package org.mqcgm.core; final class Placeholder {}
