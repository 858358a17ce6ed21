package deploy

import (
	"strconv"
	"strings"
	"testing"
)

// runtimeVars are variables of the Go runtime, not of the program, that the deployment files may set.
var runtimeVars = []string{"GOMEMLIMIT"}

// The Go runtime's soft memory limit (GOMEMLIMIT) must sit between these fractions of the hard limit of what
// runs the program: high enough that the heap can use the memory paid for, low enough that the collector
// works harder before the kernel's OOM killer ends the process, leaving room for what the Go heap does not
// count (goroutine stacks, the runtime's own structures).
const (
	minMemLimitShare = 0.70
	maxMemLimitShare = 0.95
)

// Units of the memory sizes each tool takes.
var (
	goUnits      = map[string]int64{"": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
	k8sUnits     = map[string]int64{"": 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
	dockerUnits  = map[string]int64{"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "g": 1 << 30, "gb": 1 << 30}
	systemdUnits = map[string]int64{"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
)

// memSize parses a size such as "512Mi" with the given units; ok is false for anything else (including
// "infinity", percentages and fractions).
func memSize(v string, units map[string]int64, fold bool) (int64, bool) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(v[:i], 10, 64)
	unit := v[i:]
	if fold {
		unit = strings.ToLower(unit)
	}
	mult, ok := units[unit]
	if err != nil || !ok || n <= 0 {
		return 0, false
	}
	return n * mult, true
}

// checkMemLimit requires gomemlimit to be a valid GOMEMLIMIT within the share of the hard limit.
func checkMemLimit(t *testing.T, what, gomemlimit string, limit int64) {
	t.Helper()
	if gomemlimit == "" {
		t.Errorf("%s: set GOMEMLIMIT (about 85-90 %% of its memory limit) so that the Go runtime collects garbage before the limit is reached", what)
		return
	}
	soft, ok := memSize(gomemlimit, goUnits, false)
	if !ok {
		t.Errorf("%s: GOMEMLIMIT %q is not a size the Go runtime reads (e.g. 450MiB)", what, gomemlimit)
		return
	}
	if share := float64(soft) / float64(limit); share < minMemLimitShare || share > maxMemLimitShare {
		t.Errorf("%s: GOMEMLIMIT %s is %.0f %% of its memory limit, want %.0f-%.0f %%", what, gomemlimit, 100*share,
			100*minMemLimitShare, 100*maxMemLimitShare)
	}
}

// TestMemoryLimits: every deployment gives the program a hard memory limit and a GOMEMLIMIT below it.
func TestMemoryLimits(t *testing.T) {
	// Kubernetes: every container of the Deployment and of the migration Job.
	objs, _ := k8sObjects(t)
	for _, kind := range []string{"Deployment", "Job"} {
		o := find(objs, kind, "")
		if o == nil {
			t.Errorf("deploy/k8s has no %s", kind)
			continue
		}
		for _, c := range list(o.obj, "spec", "template", "spec", "containers") {
			what := kind + "/" + str(c, "name")
			limit, ok := memSize(str(c, "resources", "limits", "memory"), k8sUnits, false)
			if !ok {
				t.Errorf("%s: needs a memory limit (resources.limits.memory)", what)
				continue
			}
			var soft string
			for _, e := range list(c, "env") {
				if str(e, "name") == "GOMEMLIMIT" {
					soft = str(e, "value")
				}
			}
			checkMemLimit(t, what, soft, limit)
		}
	}

	// Compose: every service that runs the app image (the instances and the migration).
	services := mapping(parseYAML(t, "compose.yaml")[0], "services")
	apps := 0
	for name, svc := range services {
		if str(svc, "build", "dockerfile") != "deploy/Dockerfile" || str(svc, "build", "target") != "" {
			continue
		}
		apps++
		mem := str(svc, "mem_limit")
		if mem == "" {
			mem = str(svc, "deploy", "resources", "limits", "memory")
		}
		limit, ok := memSize(mem, dockerUnits, true)
		if !ok {
			t.Errorf("compose service %s: needs a memory limit (mem_limit), got %q", name, mem)
			continue
		}
		checkMemLimit(t, "compose service "+name, environment(svc)["GOMEMLIMIT"], limit)
	}
	if apps < 2 {
		t.Errorf("compose.yaml: %d services run the app image", apps)
	}

	// systemd: MemoryMax on the unit, GOMEMLIMIT in its environment.
	var memMax, soft string
	for _, line := range strings.Split(read(t, "systemd/yqyb.service"), "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "MemoryMax="); ok {
			memMax = v
		}
		if v, ok := strings.CutPrefix(line, "Environment=GOMEMLIMIT="); ok {
			soft = v
		}
	}
	limit, ok := memSize(memMax, systemdUnits, false)
	if !ok {
		t.Errorf("systemd/yqyb.service: needs MemoryMax= with a size (e.g. 1G), got %q", memMax)
		return
	}
	checkMemLimit(t, "systemd/yqyb.service", soft, limit)
}

func TestMemSize(t *testing.T) {
	for _, tt := range []struct {
		v     string
		units map[string]int64
		fold  bool
		want  int64
	}{
		{"450MiB", goUnits, false, 450 << 20}, {"512Mi", k8sUnits, false, 512 << 20}, {"1G", k8sUnits, false, 1e9},
		{"512m", dockerUnits, true, 512 << 20}, {"1GB", dockerUnits, true, 1 << 30}, {"1G", systemdUnits, false, 1 << 30},
		{"450MB", goUnits, false, 0}, {"infinity", systemdUnits, false, 0}, {"80%", systemdUnits, false, 0}, {"", goUnits, false, 0},
	} {
		if got, _ := memSize(tt.v, tt.units, tt.fold); got != tt.want {
			t.Errorf("memSize(%q) = %d, want %d", tt.v, got, tt.want)
		}
	}
}
