// A child process for runBounded's tests that sends back what it is given and exits the moment the
// answer is written, as a parse process whose work is done. Plain JavaScript, so it starts fast.
process.once('message', (value) => process.send?.(value, () => process.exit(0)));
