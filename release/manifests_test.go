package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite deploy/kubernetes/prometheusrule.yaml from docs/alerts.yml")

const manifestDir = "../deploy/kubernetes"

// manifests are the decoded objects of deploy/kubernetes, one per kind.
type manifests struct {
	configMap      corev1.ConfigMap
	deployment     appsv1.Deployment
	service        corev1.Service
	serviceMonitor monitoringv1.ServiceMonitor
	prometheusRule monitoringv1.PrometheusRule
}

// loadManifests decodes every file of deploy/kubernetes strictly into the
// Kubernetes and Prometheus Operator types of its kind: a field the API
// does not know, a wrong type or a second document fails, as kubectl
// apply --validate=strict would.
func loadManifests(t *testing.T) manifests {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(manifestDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifests
	targets := map[string]any{
		"v1/ConfigMap":       &m.configMap,
		"apps/v1/Deployment": &m.deployment,
		"v1/Service":         &m.service,
		"monitoring.coreos.com/v1/ServiceMonitor": &m.serviceMonitor,
		"monitoring.coreos.com/v1/PrometheusRule": &m.prometheusRule,
	}
	seen := map[string]string{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("\n---")) {
			t.Errorf("%s: one object per file, please", p)
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(data, &head); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		key := head.APIVersion + "/" + head.Kind
		obj, ok := targets[key]
		if !ok {
			t.Fatalf("%s: unexpected kind %s", p, key)
		}
		if other, dup := seen[key]; dup {
			t.Fatalf("%s and %s are both %s", p, other, key)
		}
		seen[key] = p
		if err := yaml.UnmarshalStrict(data, obj); err != nil {
			t.Errorf("%s does not decode strictly as %s: %v", p, key, err)
		}
	}
	for key := range targets {
		if _, ok := seen[key]; !ok {
			t.Errorf("deploy/kubernetes has no %s", key)
		}
	}
	return m
}

// TestManifestsFitTogether checks what the API server would not: that the
// objects point at each other (selectors, ports, names, mounts) and that
// the pod runs as the image's non-root user with a read-only root.
func TestManifestsFitTogether(t *testing.T) {
	m := loadManifests(t)
	d, svc, sm := m.deployment, m.service, m.serviceMonitor
	podLabels := labels.Set(d.Spec.Template.Labels)

	sel := labels.SelectorFromSet(d.Spec.Selector.MatchLabels)
	if len(d.Spec.Selector.MatchLabels) == 0 || !sel.Matches(podLabels) {
		t.Errorf("the Deployment's selector %v does not match its pods' labels %v", d.Spec.Selector.MatchLabels, podLabels)
	}
	if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(podLabels) {
		t.Errorf("the Service's selector %v does not match the pods' labels %v", svc.Spec.Selector, podLabels)
	}
	if len(sm.Spec.Selector.MatchLabels) == 0 || !labels.SelectorFromSet(sm.Spec.Selector.MatchLabels).Matches(labels.Set(svc.Labels)) {
		t.Errorf("the ServiceMonitor's selector %v does not match the Service's labels %v", sm.Spec.Selector.MatchLabels, svc.Labels)
	}
	// The rules select up{job="vendorwatch"}, and the operator names the
	// job after the Service unless jobLabel says otherwise.
	if svc.Name != "vendorwatch" || sm.Spec.JobLabel != "" {
		t.Errorf("the scrape job would not be called vendorwatch (Service %q, jobLabel %q), which docs/alerts.yml selects", svc.Name, sm.Spec.JobLabel)
	}

	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("the pod has %d containers, want 1", len(d.Spec.Template.Spec.Containers))
	}
	c := d.Spec.Template.Spec.Containers[0]
	containerPorts := map[string]int32{}
	for _, p := range c.Ports {
		containerPorts[p.Name] = p.ContainerPort
	}
	if len(svc.Spec.Ports) != 1 {
		t.Fatalf("the Service has %d ports, want 1", len(svc.Spec.Ports))
	}
	sp := svc.Spec.Ports[0]
	if _, ok := containerPorts[sp.TargetPort.String()]; !ok {
		t.Errorf("the Service's targetPort %q is not a port of the container (%v)", sp.TargetPort.String(), containerPorts)
	}
	if got := fmt.Sprint(containerPorts["http"]); ":"+got != flagValue(t, c.Args, "--listen") || got != imagePort {
		t.Errorf("the container port %s, serve's --listen %s and the image's port %s differ", got, flagValue(t, c.Args, "--listen"), imagePort)
	}
	for _, ep := range sm.Spec.Endpoints {
		if ep.Port != sp.Name {
			t.Errorf("the ServiceMonitor scrapes port %q, the Service's is %q", ep.Port, sp.Name)
		}
		if ep.Path != "/metrics" {
			t.Errorf("the ServiceMonitor scrapes %q, serve serves /metrics", ep.Path)
		}
	}

	for name, probe := range map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
		if probe == nil || probe.HTTPGet == nil {
			t.Errorf("the container has no HTTP %s probe", name)
			continue
		}
		// /healthz answers without the token; every other path needs it.
		if probe.HTTPGet.Path != "/healthz" {
			t.Errorf("the %s probe asks %s; only /healthz answers without the token", name, probe.HTTPGet.Path)
		}
		if _, ok := containerPorts[probe.HTTPGet.Port.String()]; !ok {
			t.Errorf("the %s probe's port %q is not a container port", name, probe.HTTPGet.Port.String())
		}
	}

	// Security: non-root, the image's user, a read-only root, no escalation.
	psc, sc := d.Spec.Template.Spec.SecurityContext, c.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser != imageUID {
		t.Errorf("the pod must run as non-root user %d", imageUID)
	}
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("the container must have a read-only root and no privilege escalation")
	}

	// Mounts: the config from the ConfigMap where --config looks, the
	// state dir on a volume (the root is read-only), the Secret where the
	// config's file: references point.
	mounts := map[string]corev1.VolumeMount{}
	for _, vm := range c.VolumeMounts {
		mounts[vm.Name] = vm
	}
	volumes := map[string]corev1.Volume{}
	for _, v := range d.Spec.Template.Spec.Volumes {
		volumes[v.Name] = v
		if _, ok := mounts[v.Name]; !ok {
			t.Errorf("volume %s is not mounted", v.Name)
		}
	}
	mountOf := func(path string) (corev1.Volume, bool) {
		for name, vm := range mounts {
			if path == vm.MountPath || strings.HasPrefix(path, vm.MountPath+"/") {
				return volumes[name], true
			}
		}
		return corev1.Volume{}, false
	}
	if v, ok := mountOf(flagValue(t, c.Args, "--config")); !ok || v.ConfigMap == nil || v.ConfigMap.Name != m.configMap.Name {
		t.Errorf("--config %s is not in the ConfigMap %s's volume", flagValue(t, c.Args, "--config"), m.configMap.Name)
	}
	if _, ok := m.configMap.Data[filepath.Base(flagValue(t, c.Args, "--config"))]; !ok {
		t.Errorf("the ConfigMap has no %s", filepath.Base(flagValue(t, c.Args, "--config")))
	}
	if v, ok := mountOf(flagValue(t, c.Args, "--state-dir")); !ok || v.EmptyDir == nil && v.PersistentVolumeClaim == nil {
		t.Errorf("--state-dir %s is not on a writable volume", flagValue(t, c.Args, "--state-dir"))
	}
	secret := volumes["secrets"].Secret
	if secret == nil {
		t.Fatal("the pod has no volume \"secrets\" from a Secret")
	}
	cred := sm.Spec.Endpoints[0].Authorization
	if cred == nil || cred.Credentials == nil || cred.Credentials.Name != secret.SecretName {
		t.Errorf("the ServiceMonitor's token does not come from the pod's Secret %s", secret.SecretName)
	}
	config := m.configMap.Data["config.yaml"]
	for _, line := range strings.Split(config, "\n") {
		_, ref, ok := strings.Cut(line, "file:")
		if !ok {
			continue
		}
		if !strings.HasPrefix(ref, mounts["secrets"].MountPath+"/") {
			t.Errorf("the config reads %s, outside the Secret's mount %s", ref, mounts["secrets"].MountPath)
		}
		if strings.Contains(line, "token:") && filepath.Base(ref) != cred.Credentials.Key {
			t.Errorf("serve's token is the Secret's key %s, Prometheus sends %s", filepath.Base(ref), cred.Credentials.Key)
		}
	}
	if !slices.Contains(c.Args, "--notify=false") && *d.Spec.Replicas > 1 {
		t.Errorf("%d replicas that all notify would page %d times (docs/ha.md)", *d.Spec.Replicas, *d.Spec.Replicas)
	}
}

// flagValue is the value of --name=value in args.
func flagValue(t *testing.T, args []string, name string) string {
	t.Helper()
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	t.Errorf("the container's args %v have no %s=", args, name)
	return ""
}

// TestPrometheusRuleMatchesDocs keeps the PrometheusRule's groups equal to
// docs/alerts.yml's, the rules promtool tests (alerts_test.yml). With
// -update it rewrites prometheusrule.yaml from them.
func TestPrometheusRuleMatchesDocs(t *testing.T) {
	docs, err := os.ReadFile("../docs/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	rulePath := filepath.Join(manifestDir, "prometheusrule.yaml")
	if *update {
		if err := os.WriteFile(rulePath, prometheusRule(docs), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var want struct {
		Groups []any `json:"groups"`
	}
	if err := yaml.UnmarshalStrict(docs, &want); err != nil {
		t.Fatalf("docs/alerts.yml: %v", err)
	}
	data, err := os.ReadFile(rulePath)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Spec struct {
			Groups []any `json:"groups"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if len(want.Groups) == 0 || !reflect.DeepEqual(got.Spec.Groups, want.Groups) {
		t.Errorf("%s's groups differ from docs/alerts.yml's: run go test -run TestPrometheusRuleMatchesDocs -update in release/", rulePath)
	}
	m := loadManifests(t)
	if len(m.prometheusRule.Spec.Groups) == 0 || len(m.prometheusRule.Spec.Groups[0].Rules) < 2 {
		t.Errorf("the PrometheusRule has no rules")
	}
}

// prometheusRule wraps docs/alerts.yml's groups, text and comments as
// they are, in a PrometheusRule.
func prometheusRule(docs []byte) []byte {
	body := string(docs)
	i := strings.Index(body, "\ngroups:")
	var b strings.Builder
	b.WriteString(`# The alert rules of docs/alerts.yml for the Prometheus Operator. Generated:
# edit docs/alerts.yml, then run in release/
#   go test -run TestPrometheusRuleMatchesDocs -update
# The label release: prometheus is what kube-prometheus-stack's default
# ruleSelector looks for; match your Prometheus's selector.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: vendorwatch
  labels:
    app.kubernetes.io/name: vendorwatch
    app.kubernetes.io/component: serve
    release: prometheus
spec:
`)
	for _, line := range strings.SplitAfter(body[i+1:], "\n") {
		if strings.TrimSpace(line) == "" {
			b.WriteString(line)
			continue
		}
		b.WriteString("  " + line)
	}
	return []byte(b.String())
}
