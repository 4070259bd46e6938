// Package kernels resolves a kernel spec to something QEMU can boot, with
// its config when one is known: host (the running kernel), file:PATH,
// apt:[ARCHIVE/]PACKAGE (a Debian linux-image downloaded, never installed,
// from the host's sources or a private apt configuration of another Debian
// archive), build:X.Y|latest:CONFIG (Debian's linux-source built with
// tinyconfig and vm/configs fragments) and tree:PATH[:CONFIG] (a source
// tree of your own). Everything it fetches or builds is cached by content.
// A tree is anyone's code: git describes it hardened (treegit.go) and, when
// the runner is root, its owner builds it (builder.go, built.go).
//
// It is the first stage: it may import the foundation only (vm/setup,
// vm/cache, vm/format, vm/configs).
package kernels
