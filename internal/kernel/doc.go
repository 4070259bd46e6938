// Package kernel holds the facts about the running kernel that the suites,
// the VM runner and its guest share, without Ginkgo or Gomega: the release
// version, the registry of pidfd features and their probes, the config
// options they need and the evidence of those (the kernel config, signs
// independent of the probes), the uapi
// constants golang.org/x/sys/unix lacks, thin syscall and ioctl wrappers
// (poll, waitid, PIDFD_GET_INFO, fdinfo), the raw clone and the children
// that run no Go code behind it (rawclone.go: the blocked child, the clone3
// children, threads, the setns joiner) and the names of the PIDFDCONF_*
// environment variables.
//
// Nothing here calls Expect, Skip or Fail: functions return errors, and the
// helpers package turns them into spec outcomes.
package kernel
