/*
 * The role "signal-scoped-sender" (suites/signal/roles): signal-sender's
 * commands from a process that a Landlock ruleset scopes to signalling
 * inside its own domain (LANDLOCK_SCOPE_SIGNAL). It restricts its only
 * thread, which serves the commands, so each acts as the confined thread.
 */
#include "role.h"

#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)

int run_signal_scoped_sender(char **args, int nargs)
{
	/* All of ABI 6's struct: scoped, which it added, is its last field. */
	struct landlock_attr attr = {.scoped = LANDLOCK_SCOPE_SIGNAL};
	const char *what;
	int err = landlock_confine(&attr, sizeof(attr), &what);

	(void)args;
	(void)nargs;
	if (err) {
		reply_err(err, "%s", what);
		return 1;
	}
	serve_ready(signal_sender_commands);
	return 0;
}
