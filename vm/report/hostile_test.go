package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/judge/judgetest"
)

// hostileMatrix is a matrix whose every value a guest or a shard file
// could have chosen tries to break out of where the reports put it.
func hostileMatrix(t *testing.T) *judge.Matrix {
	kr := judgetest.Column(t, `6.1"><script>alert(1)</script>`, "",
		judgetest.Spec("fails <img src=x onerror=alert(2)> | x \\", 1, types.SpecStateFailed, "boom\n```\n<script>alert(3)</script>\n| a | b |"))
	kr.Kernel.Describe = "</title><script>alert(4)</script>"
	kr.ConsoleTail = "booting\n```\n# injected heading\n<script>alert(5)</script>\n````\n"
	kr.Miss = "kernel died: ``` <b>bold</b>"
	for key, c := range kr.Cells {
		c.ID = `x" onmouseover="alert(6)`
		kr.Cells[key] = c
	}
	// A result no run writes, as a shard file may claim one.
	kr.Set(judge.Row{Suite: "open", Text: "forged"}, judge.Cell{Result: `PASS" onmouseover="alert(7)`})
	return judge.NewMatrix(`run<script>alert(8)</script>`, []*judge.KernelRun{kr})
}

func TestHTMLEscapesEveryValue(t *testing.T) {
	page := HTML(hostileMatrix(t))
	for _, bad := range []string{"<script>", "<img", `" onmouseover=`, "</title><script"} {
		if strings.Contains(page, bad) {
			t.Errorf("matrix.html holds %q", bad)
		}
	}
	// Every class attribute names one of the page's own classes.
	for _, m := range regexp.MustCompile(`class="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		for _, cls := range strings.Fields(m[1]) {
			if !regexp.MustCompile(`^(r|NA|PASS|FAIL|SKIP|XFAIL|XPASS|TIMEOUT|MISS)$`).MatchString(cls) {
				t.Errorf("class %q", cls)
			}
		}
	}
}

// unescapedTag is a '<' that starts a tag: not backslash-escaped.
var unescapedTag = regexp.MustCompile(`(^|[^\\])<[a-zA-Z/!?]`)

func TestMarkdownIsFenceSafe(t *testing.T) {
	md := Markdown(hostileMatrix(t))
	// Read it as CommonMark does: a fence of n backticks closes only at a
	// line of n or more backticks alone. Outside fences no value may make
	// HTML or a heading; inside, the console's own fences stay text.
	fence, inside := 0, 0
	for i, l := range strings.Split(md, "\n") {
		ticks := len(l) - len(strings.TrimLeft(l, "`"))
		switch {
		case fence == 0 && ticks >= 3:
			fence = ticks
		case fence > 0 && ticks >= fence && strings.TrimSpace(l) == strings.Repeat("`", ticks):
			fence = 0
		case fence > 0:
			if strings.Contains(l, "injected heading") || strings.Contains(l, "alert(") {
				inside++
			}
		default:
			ours := strings.NewReplacer("<details><summary>", "", "</summary>", "", "</details>", "").Replace(l)
			if tag := unescapedTag.FindString(ours); tag != "" {
				t.Errorf("line %d holds HTML %q outside a code block: %q", i+1, tag, l)
			}
			if strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "# pidfdconf matrix") && !strings.HasPrefix(l, "## ") && !strings.HasPrefix(l, "### Console tail of") {
				t.Errorf("line %d is a heading a value made: %q", i+1, l)
			}
		}
	}
	if fence != 0 {
		t.Errorf("a fence is left open")
	}
	if inside != 2 {
		t.Errorf("%d hostile console lines inside code blocks, want 2", inside)
	}
	// Each table row has exactly its own cells: a value's | is escaped.
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "| open") {
			if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != 3 {
				t.Errorf("table row with %d separators: %q", n, l)
			}
		}
	}
}

func TestMdEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain 6.1.0":       "plain 6.1.0",
		"a|b":               `a\|b`,
		`ends in \`:         `ends in \\`,
		"two\nlines\r":      "two lines ",
		"<b>[x](y) `z`":     "\\<b\\>\\[x\\](y) \\`z\\`",
		"&lt; ![i](u) # ~~": `\&lt; \!\[i\](u) \# \~\~`,
	} {
		if got := mdEscape(in); got != want {
			t.Errorf("mdEscape(%q) = %q, want %q", in, got, want)
		}
	}
}
