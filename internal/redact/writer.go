package redact

import "io"

// NewWriter returns a writer that redacts, with the process's redactor,
// everything written through it to w. See Redactor.Writer.
func NewWriter(w io.Writer) io.Writer { return std.Writer(w) }

// Writer returns a writer that redacts each write to w. A write is
// redacted on its own, so a secret split across two writes is not seen
// whole: it suits writers that are given whole lines or documents
// (fmt.Fprintln, an encoder), which is how vendorwatch writes. It reports
// len(p) written when w took the redacted bytes. The writer unwraps to w
// (Unwrap), and when w is a terminal file it is one too (Fd, Read,
// Close), so colour and terminal detection see through it.
func (r *Redactor) Writer(w io.Writer) io.Writer {
	rw := &writer{r: r, w: w}
	if f, ok := w.(file); ok {
		return &fileWriter{writer: rw, f: f}
	}
	return rw
}

type writer struct {
	r *Redactor
	w io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	if _, err := w.w.Write(w.r.Bytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap returns the writer written to.
func (w *writer) Unwrap() io.Writer { return w.w }

// file is what terminal libraries look for in an output (term.File).
type file interface {
	io.ReadWriteCloser
	Fd() uintptr
}

type fileWriter struct {
	*writer
	f file
}

func (f *fileWriter) Read(p []byte) (int, error) { return f.f.Read(p) }
func (f *fileWriter) Close() error               { return f.f.Close() }
func (f *fileWriter) Fd() uintptr                { return f.f.Fd() }

// Unwrap is the writer's destination when w is a redacting writer, else
// w itself: a command that needs the terminal file behind its output
// (the dashboard) finds it this way.
func Unwrap(w io.Writer) io.Writer {
	if u, ok := w.(interface{ Unwrap() io.Writer }); ok {
		return u.Unwrap()
	}
	return w
}
