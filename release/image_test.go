package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// TestImage builds the image from stand-in binaries, reads the OCI layout
// back with go-containerregistry and checks what a runtime would run: one
// image per platform, serve as the non-root user, the binary, the CA
// bundle and a state dir that user owns. A second build must give the
// same bytes.
func TestImage(t *testing.T) {
	t.Parallel()
	m := testMeta()
	binaries := map[target][]byte{
		{"linux", "amd64"}: []byte("amd64 binary"),
		{"linux", "arm64"}: []byte("arm64 binary"),
	}
	ca := []byte("-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n")
	dir := t.TempDir()
	out := filepath.Join(dir, "a.tar")
	if err := writeImage(m, binaries, ca, out); err != nil {
		t.Fatal(err)
	}
	again := filepath.Join(dir, "b.tar")
	if err := writeImage(m, binaries, ca, again); err != nil {
		t.Fatal(err)
	}
	if sha(t, out) != sha(t, again) {
		t.Error("two builds of the image differ")
	}

	layoutDir := filepath.Join(dir, "layout")
	untar(t, out, layoutDir)
	lp, err := layout.FromPath(layoutDir)
	if err != nil {
		t.Fatal(err)
	}
	top, err := lp.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	topManifest, err := top.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(topManifest.Manifests) != 1 || topManifest.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "v1.2.3" {
		t.Fatalf("index.json lists %+v, want one index tagged v1.2.3", topManifest.Manifests)
	}
	idx, err := top.ImageIndex(topManifest.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var platforms []string
	for _, desc := range im.Manifests {
		platforms = append(platforms, desc.Platform.String())
		img, err := idx.Image(desc.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.OS+"/"+cfg.Architecture != desc.Platform.String() {
			t.Errorf("the image for %s says it is %s/%s", desc.Platform, cfg.OS, cfg.Architecture)
		}
		c := cfg.Config
		if c.User != "65532:65532" || !slices.Equal(c.Entrypoint, []string{"/usr/bin/vendorwatch"}) || len(c.Cmd) == 0 || c.Cmd[0] != "serve" {
			t.Errorf("%s runs %v %v as %q, want /usr/bin/vendorwatch serve as 65532:65532", desc.Platform, c.Entrypoint, c.Cmd, c.User)
		}
		if !cfg.Created.Time.Equal(m.date) {
			t.Errorf("%s was created %v, want the release date %v", desc.Platform, cfg.Created, m.date)
		}
		files := extract(t, img)
		bin, ok := files["usr/bin/vendorwatch"]
		if !ok || !bytes.Equal(bin.body, binaries[target{cfg.OS, cfg.Architecture}]) || bin.mode != 0o755 {
			t.Errorf("%s: /usr/bin/vendorwatch is not that platform's binary, mode 0755", desc.Platform)
		}
		if !bytes.Equal(files["etc/ssl/certs/ca-certificates.crt"].body, ca) {
			t.Errorf("%s: the CA bundle is missing", desc.Platform)
		}
		state, ok := files["var/lib/vendorwatch/"]
		if !ok {
			state, ok = files["var/lib/vendorwatch"]
		}
		if !ok || state.uid != imageUID || state.gid != imageUID || state.mode != 0o700 {
			t.Errorf("%s: /var/lib/vendorwatch is %+v, want a 0700 directory of 65532:65532", desc.Platform, state)
		}
	}
	slices.Sort(platforms)
	if !slices.Equal(platforms, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("the index has platforms %v, want linux/amd64 and linux/arm64", platforms)
	}
}

type extracted struct {
	body     []byte
	mode     int64
	uid, gid int
}

// extract reads the image's file system, flattened, by path.
func extract(t *testing.T, img v1.Image) map[string]extracted {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	files := map[string]extracted{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = extracted{body: body, mode: h.Mode, uid: h.Uid, gid: h.Gid}
	}
}

func sha(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// untar unpacks the tar at path into dir.
func untar(t *testing.T, path, dir string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
