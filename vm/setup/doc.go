// Package setup is what every stage of the runner shares about the machine
// it runs on: running a command, installing a missing Debian package (or
// naming the command that would), and Error, the one error type that means
// "fix the input or the machine", never a verdict on a kernel.
//
// It may import nothing of vm/.
package setup
