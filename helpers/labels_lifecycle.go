package helpers

// Labels of the contracts software builds on beyond the selftests: how a
// process is spawned, waited for, signalled across namespaces and seen
// after it dumped core (the vocabulary is in labels.go).
var (
	FlagCloneVfork      = define("flag:clone_vfork")
	FlagCloneIntoCgroup = define("flag:clone_into_cgroup")
	FlagWaitNowait      = define("flag:wnowait")
	FlagWaitAll         = define("flag:__wall")
	FlagInfoCoredump    = define("flag:pidfd_info_coredump")
	ManCore             = define("man:core.5")
	ManCgroups          = define("man:cgroups.7")
	ManPrctl            = define("man:prctl.2")
	ManSigaction        = define("man:sigaction.2")
	NeedsCgroup2        = define("needs:cgroup2")
	NeedsCorePattern    = define("needs:core_pattern")
)
