package judge

// Exit codes of the runner, from the worst verdict of its matrix.
const (
	ExitOK    = 0 // every cell PASS, SKIP or XFAIL
	ExitFail  = 1 // any FAIL or TIMEOUT (XPASS in strict mode)
	ExitMiss  = 2 // any MISS and no FAIL
	ExitSetup = 3 // usage or setup error: nothing was judged
)
