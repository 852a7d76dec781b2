package observe

// Event tells a Run caller that a vendor check started or finished.
type Event struct {
	// Vendor is the id of the vendor concerned.
	Vendor string
	// Done is false when the check starts and true when it has finished.
	Done bool
	// InFlight counts vendor checks still running after this event.
	InFlight int
	// Snapshot is the latest snapshot of all vendors (set when Done).
	Snapshot Snapshot
}
