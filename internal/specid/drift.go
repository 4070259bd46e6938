package specid

import (
	"fmt"
	"strings"
)

// articles are the only ID words the text need not say.
var articles = wordSet("a an the")

// Drift reports the words of id that the spec's full text (its Describe,
// Contexts, table and It or Entry text, as Ginkgo's FullText joins them)
// does not say: an ID whose words left its text describes another spec.
// Words compare as the package doc says.
func Drift(id, fullText string) error {
	text := Words(fullText)
	var missing []string
	for _, w := range strings.Split(id, "_") {
		if !articles[w] && !occursIn(w, text) {
			missing = append(missing, w)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("ID %q has words its text does not say: %s; rename it with words its text says and record the rename in %s (or, if the ID is right, reword the text)",
		id, strings.Join(missing, ", "), RenamesFile)
}
