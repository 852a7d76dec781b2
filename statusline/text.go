package statusline

// The few string functions this package needs, written here rather than
// taken from package strings. Go initializes a package only once every
// package it imports is initialized, picking among the ready ones in
// import-path order; strings imports unicode, which is ready late, and
// "strings" sorts after most of the program's packages, so a package
// importing strings initializes after nearly all of them — and the fast
// path (statusline/fastpath) would run after the very packages it is there
// to skip. Tests hold each function to its namesake in strings.

// join is strings.Join.
func join(elems []string, sep string) string {
	var b []byte
	for i, e := range elems {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, e...)
	}
	return string(b)
}

// splitN is strings.SplitN with a one-byte separator: at most n pieces
// (all of them when n < 0), the last holding the rest.
func splitN(s string, sep byte, n int) []string {
	var parts []string
	for n < 0 || len(parts) < n-1 {
		i := indexByte(s, sep)
		if i < 0 {
			break
		}
		parts = append(parts, s[:i])
		s = s[i+1:]
	}
	if n == 0 {
		return nil
	}
	return append(parts, s)
}

// cut is strings.Cut with a one-byte separator.
func cut(s string, sep byte) (before, after string, found bool) {
	if i := indexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// indexByte is strings.IndexByte.
func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// hasPrefix is strings.HasPrefix.
func hasPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && s[:len(prefix)] == prefix
}

// containsAnyByte is strings.ContainsAny for a set of ASCII characters.
func containsAnyByte(s, chars string) bool {
	for i := 0; i < len(s); i++ {
		if indexByte(chars, s[i]) >= 0 {
			return true
		}
	}
	return false
}
