package specid

import (
	"fmt"
	"regexp"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// pronouns point at something the ID does not name: the spec's Describe or
// Context. A reflexive ("itself") points inside the ID and is allowed.
var pronouns = wordSet("it its they them their theirs this these those")

// outcomeWords say what happens but not to what or when: the verbs of a
// result, the words around them and numbers are not a subject.
var outcomeWords = wordSet(`a an the of to for with without in on at by from into through
	and or as is are be been was were has have had does do not no never only again still also
	then than once after before until while when if but so exactly
	fail fails failed succeed succeeds succeeded return returns returned report reports reported
	refuse refuses refused reject rejects rejected accept accepts accepted allow allows allowed
	deny denies denied give gives gave given get gets got work works pass passes passed
	answer answers error errors errno result ok nothing none event events value`)

// outcomeNames are one-word results: poll and epoll event bits and
// numbers (errno names are added to outcomeWords in init).
var outcomeNames = regexp.MustCompile(`^(e?poll(in|out|pri|err|hup|nval|rdnorm|rdband|wrnorm|wrband|rdhup)|[0-9]+|0x[0-9a-f]+)$`)

// outcomeCodes are result codes of two words, as an ID spells them: the
// first word and the second words it may take (waitid's CLD_*, siginfo's
// SI_* and si_code itself).
var outcomeCodes = map[string]map[string]bool{
	"cld": wordSet("exited killed dumped trapped stopped continued"),
	"si":  wordSet("user kernel queue tkill timer code"),
}

func init() {
	for e := syscall.Errno(1); e < 200; e++ {
		if n := unix.ErrnoName(e); n != "" {
			outcomeWords[strings.ToLower(n)] = true
		}
	}
	outcomeWords["eopnotsupp"] = true // x/sys names 95 ENOTSUP
}

// Alone reports why an ID means nothing read without its spec's Describe
// and Context, as kernel CI reads it ("pidfd.<suite>.<id>"): it holds a
// pronoun, or every word is an outcome word (see the package doc).
func Alone(id string) error {
	var found []string
	for _, w := range strings.Split(id, "_") {
		if pronouns[w] {
			found = append(found, w)
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("ID %q has the pronoun %s, which points at the spec's Describe or Context; name the thing instead", id, strings.Join(found, ", "))
	}
	words := strings.Split(id, "_")
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) && outcomeCodes[words[i]][words[i+1]] {
			i++
			continue
		}
		if !outcomeWords[words[i]] && !outcomeNames.MatchString(words[i]) {
			return nil
		}
	}
	return fmt.Errorf("ID %q names only an outcome; add the subject or condition from its Describe/Context (what is called on what, and when)", id)
}

func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(s) {
		set[w] = true
	}
	return set
}
