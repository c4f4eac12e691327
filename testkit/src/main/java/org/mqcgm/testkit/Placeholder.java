package org.mqcgm.testkit; final class Placeholder {}
