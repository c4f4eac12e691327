package org.mqcgm.bench; final class Placeholder {}
