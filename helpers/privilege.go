package helpers

import (
	"fmt"
	"os"

	. "github.com/onsi/ginkgo/v2"
)

// RequireRoot skips a spec that needs real root, saying what for.
func RequireRoot(what string) {
	GinkgoHelper()
	if os.Geteuid() != 0 {
		Skip(fmt.Sprintf("needs root for %s; running as uid %d", what, os.Geteuid()))
	}
}
