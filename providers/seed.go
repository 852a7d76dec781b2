package providers

import (
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/admin"
)

// Seed sets results from an earlier snapshot (the state dir's cache), so a
// restarted dashboard shows the last known state before its first check,
// and an admin API read keeps its last key list when the next read fails
// (key streaks continue from the history's memory, not from here).
// What the config says of a vendor (its name, what it depends on, the
// components watched, its links) is the config's, not the snapshot's: a
// vendor renamed, or a link to another vendor removed, since the snapshot
// was taken reads as the config says now.
func (p *Poller) Seed(s observe.Snapshot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range s.Vendors {
		if cur, ok := p.results[r.ID]; ok {
			r.SetIdentity(cur)
			p.results[r.ID] = r
		}
	}
}

// NeedsSeed says whether a check reads the results of the one before:
// only an admin API read does (it keeps the last key list or call counts,
// marked as such, when the next read fails). Without one, a one-shot
// check is not seeded from the history at all.
func (p *Poller) NeedsSeed() bool {
	for i := range p.vendors {
		if admin.Enabled(p.vendors[i]) {
			return true
		}
	}
	return false
}
