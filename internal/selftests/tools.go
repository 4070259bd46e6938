package selftests

// MissingPackages names the Debian packages BuildPidfd needs that this
// host lacks: a compiler, make, xz for the tarball, and libc.a for static
// linking. The pidfd selftests of 6.1 to 7.3 need no other library. The
// caller installs them through its own setup path (apt-get when root).
func MissingPackages() []string {
	t, _ := TargetFor("amd64")
	return t.missingPackages()
}

// MissingPackagesFor is MissingPackages for a build for goarch
// (BuildPidfdFor): arm64 needs the cross-compiler and its libc.
func MissingPackagesFor(goarch string) ([]string, error) {
	t, err := TargetFor(goarch)
	if err != nil {
		return nil, err
	}
	return t.missingPackages(), nil
}
