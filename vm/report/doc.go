// Package report writes every report of a run from the one matrix:
// matrix.txt (the terminal), matrix.md, matrix.html, matrix.json,
// junit.xml, and per kernel report.json, junit.xml, ktap.txt and the
// selftest cross-check. Each leads with counts, then what is not PASS
// with its reason, then the full grid.
//
// It may import vm/judge, the stages before it and the foundation.
package report
