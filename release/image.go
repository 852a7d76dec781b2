package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image runs serve as this user and group, which own the state
// directory; 65532 is the "nonroot" of distroless images.
const (
	imageUID      = 65532
	imageStateDir = "var/lib/vendorwatch"
	imagePort     = "9321"
)

// imageCmd is serve for a container: on every interface (the Service
// reaches it there; serve then wants serve.token in the config), with the
// config mounted at /etc/vendorwatch and the history in the state dir.
var imageCmd = []string{
	"serve",
	"--config", "/etc/vendorwatch/config.yaml",
	"--state-dir", "/" + imageStateDir,
	"--listen", ":" + imagePort,
}

// imageLayer is the one layer of the image: no base image, because the
// binary is static. Besides it, the CA certificates of the build machine
// (serve calls every vendor over HTTPS), passwd and group entries for
// the user, the state dir it owns and a /tmp.
func imageLayer(binary, caBundle []byte) []entry {
	dir := func(name string, mode fs.FileMode, id int) entry {
		return entry{name: name, mode: fs.ModeDir | mode, uid: id, gid: id}
	}
	return []entry{
		dir("etc", 0o755, 0),
		dir("etc/ssl", 0o755, 0),
		dir("etc/ssl/certs", 0o755, 0),
		{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, body: caBundle},
		{name: "etc/passwd", mode: 0o644, body: []byte("root:x:0:0:root:/root:/sbin/nologin\nvendorwatch:x:65532:65532:vendorwatch:/var/lib/vendorwatch:/sbin/nologin\n")},
		{name: "etc/group", mode: 0o644, body: []byte("root:x:0:\nvendorwatch:x:65532:\n")},
		dir("etc/vendorwatch", 0o755, 0),
		dir("tmp", 0o777|fs.ModeSticky, 0),
		dir("usr", 0o755, 0),
		dir("usr/bin", 0o755, 0),
		{name: "usr/bin/vendorwatch", mode: 0o755, body: binary},
		dir("var", 0o755, 0),
		dir("var/lib", 0o755, 0),
		dir(imageStateDir, 0o700, imageUID),
	}
}

// platformImage builds the image of one linux target.
func platformImage(m meta, t target, binary, caBundle []byte) (v1.Image, error) {
	var layerTar bytes.Buffer
	if err := writeTar(&layerTar, imageLayer(binary, caBundle), m.date); err != nil {
		return nil, err
	}
	b := layerTar.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("image layer for %s: %w", t, err)
	}
	created := v1.Time{Time: m.date}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.ConfigFile(base, &v1.ConfigFile{
		Architecture: t.arch,
		OS:           t.os,
		Created:      created,
		RootFS:       v1.RootFS{Type: "layers"},
		Config: v1.Config{
			User:         fmt.Sprintf("%d:%d", imageUID, imageUID),
			Entrypoint:   []string{"/usr/bin/vendorwatch"},
			Cmd:          imageCmd,
			WorkingDir:   "/" + imageStateDir,
			Env:          []string{"PATH=/usr/bin", "HOME=/" + imageStateDir, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"},
			ExposedPorts: map[string]struct{}{imagePort + "/tcp": {}},
			Volumes:      map[string]struct{}{"/" + imageStateDir: {}},
			Labels:       imageLabels(m),
		},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{
		Layer:   layer,
		History: v1.History{Created: created, CreatedBy: "vendorwatch release build " + m.version, Comment: "the static binary, CA certificates, the nonroot user"},
	})
}

// imageLabels are the OCI annotations of the image and its index.
func imageLabels(m meta) map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "vendorwatch",
		"org.opencontainers.image.description": "vendorwatch serve: vendor status pages, key probes and findings for a team",
		"org.opencontainers.image.source":      "https://github.com/vendorwatch/vendorwatch",
		"org.opencontainers.image.version":     m.version,
		"org.opencontainers.image.revision":    strings.TrimSuffix(m.commit, "-dirty"),
		"org.opencontainers.image.created":     m.date.Format(time.RFC3339),
	}
}

// writeImage writes the multi-platform image of the linux binaries as an
// OCI image layout, tarred into out (the form skopeo and podman read as
// oci-archive:). The layout's index.json names one image index, tagged
// with the version, which lists one image per platform.
func writeImage(m meta, binaries map[target][]byte, caBundle []byte, out string) error {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, t := range sortedTargets(binaries) {
		img, err := platformImage(m, t, binaries[t], caBundle)
		if err != nil {
			return err
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: t.os, Architecture: t.arch}},
		})
	}
	idx = mutate.Annotations(idx, imageLabels(m)).(v1.ImageIndex)

	dir, err := os.MkdirTemp("", "vendorwatch-oci-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("OCI layout: %w", err)
	}
	if err := lp.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": m.version,
	})); err != nil {
		return fmt.Errorf("OCI layout: %w", err)
	}
	es, err := dirEntries(dir)
	if err != nil {
		return err
	}
	return writeFile(out, func(w io.Writer) error { return writeTar(w, es, m.date) })
}

// dirEntries reads a directory tree into archive entries, owned by root,
// directories 0755 and files 0644 whatever the umask made them.
func dirEntries(root string) ([]entry, error) {
	var es []entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		e := entry{name: filepath.ToSlash(rel), mode: 0o644}
		if d.IsDir() {
			e.mode = fs.ModeDir | 0o755
		} else if e.body, err = os.ReadFile(p); err != nil {
			return err
		}
		es = append(es, e)
		return nil
	})
	return es, err
}
