package role

// Joiner is the process that calls setns(2) for the setns suite, so the
// test process's own namespaces never change. setns(2) into a user or a
// time namespace wants a single-threaded caller with an mm and an
// fs_struct of its own, which no Go process is, so only
// cmd/pidfdconf-role-c has it; without that program the suite forks a
// joiner of its own (kernel.ForkJoiner). It answers "ready <pid>" and
// serves
//
//	setns <flags> + fd  setns(fd, flags), flags as a signed 32-bit
//	                    decimal → ok | err ERRNO
var Joiner = RegisterCOnly("setns-joiner")
