#!/usr/bin/env node
import '../dist/bundle/tracelog.js';
