package observe

import "strings"

// State is a vendor's or component's reported state, in the vocabulary of
// DESIGN §3.
type State string

// The states, from best to worst. Unknown means there is no usable data.
const (
	Operational      State = "operational"
	UnderMaintenance State = "maintenance"
	Degraded         State = "degraded"
	PartialOutage    State = "partial_outage"
	MajorOutage      State = "major_outage"
	Unknown          State = "unknown"
)

// States lists every state from best to worst, with Unknown last.
var States = []State{Operational, UnderMaintenance, Degraded, PartialOutage, MajorOutage, Unknown}

// Severity orders known states: Operational is 0, MajorOutage is 4.
// Unknown and anything unrecognised is -1: it is not better or worse than a
// known state, it is missing.
func (s State) Severity() int {
	switch s {
	case Operational:
		return 0
	case UnderMaintenance:
		return 1
	case Degraded:
		return 2
	case PartialOutage:
		return 3
	case MajorOutage:
		return 4
	}
	return -1
}

// Known reports whether s is one of the five known states.
func (s State) Known() bool { return s.Severity() >= 0 }

// Outage reports whether s is worse than maintenance.
func (s State) Outage() bool { return s.Severity() >= Degraded.Severity() }

// Worst returns the most severe known state of the arguments, or Unknown when
// none is known.
func Worst(states ...State) State {
	worst := Unknown
	for _, s := range states {
		if s.Severity() > worst.Severity() {
			worst = s
		}
	}
	return worst
}

// ImpactState maps an incident impact (none, minor, major, critical,
// maintenance) to the state it implies for the vendor.
func ImpactState(impact string) State {
	switch strings.ToLower(strings.TrimSpace(impact)) {
	case "none":
		return Operational
	case "maintenance":
		return UnderMaintenance
	case "minor":
		return Degraded
	case "major":
		return PartialOutage
	case "critical":
		return MajorOutage
	}
	return Unknown
}
