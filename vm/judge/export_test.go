package judge

// Unexported parts the external tests judge directly.
var (
	MirroringSpecs      = mirroringSpecs
	ApplyExpectationsAt = applyExpectations
	ParseExpectationsIn = parseExpectations
)

const SuiteBuildsText = suiteBuildsText
