package fetch

// fileReserve is what a client leaves of the open-file limit for what is
// not one of its connections: the history's database and its journal,
// the state dir's files, the config, the terminal.
const fileReserve = 64

// fitOpenFiles lowers a cap on requests in flight to what the process's
// open-file limit (limit; 0 when unknown or unlimited) leaves for
// connections. Over HTTP/1.1 every request in flight holds a connection
// of its own, and one refused for want of a file descriptor would read as
// the vendor failing.
func fitOpenFiles(conc, limit int) int {
	if limit <= 0 {
		return conc
	}
	return max(min(conc, limit-fileReserve), 1)
}
