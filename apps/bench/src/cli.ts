#!/usr/bin/env node
console.error("rxsim: the command line is not built yet (issue: the rxsim command line)");
process.exit(2);
