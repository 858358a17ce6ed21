package deploy

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// pgBaseImage is the postgres service's image, or the image its Dockerfile builds FROM.
func pgBaseImage(t *testing.T, svc any) string {
	t.Helper()
	if get(svc, "build") == nil {
		return str(svc, "image")
	}
	df := str(svc, "build", "dockerfile")
	if df == "" {
		df = "Dockerfile"
	}
	m := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindStringSubmatch(read(t, filepath.Join(str(svc, "build", "context"), df)))
	if m == nil {
		t.Errorf("postgres: %s has no FROM", df)
		return ""
	}
	return m[1]
}

// pgbackrestConf reads a pgBackRest configuration: section -> option -> value. A repeated option is an
// error (pgBackRest would take the last one).
func pgbackrestConf(t *testing.T, name, text string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			out[section] = map[string]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Errorf("%s:%d: %q is not an option of a section", name, n, line)
				continue
			}
			if _, dup := out[section][k]; dup {
				t.Errorf("%s:%d: %s set twice in [%s]", name, n, k, section)
			}
			out[section][k] = v
		}
	}
	return out
}

// validatePgbackrest has pgBackRest itself read a configuration: an unknown option or an invalid value is
// a warning or an error. Without pgbackrest installed the check is skipped (required in CI).
func validatePgbackrest(t *testing.T, name, text string) {
	t.Helper()
	bin, err := exec.LookPath("pgbackrest")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("YQYB_REQUIRE_PG") == "1" {
			t.Errorf("pgbackrest is not installed, so %s cannot be validated (CI installs it: .ci/run)", name)
		}
		return
	}
	f := filepath.Join(t.TempDir(), "pgbackrest.conf")
	if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"backup", "archive-push", "restore"} {
		out, err := exec.Command(bin, "--config="+f, "--stanza=yqyb", "help", cmd).CombinedOutput()
		if err != nil || strings.Contains(string(out), "WARN:") || strings.Contains(string(out), "ERROR:") {
			t.Errorf("pgbackrest does not accept %s (help %s): %v\n%s", name, cmd, err, out)
		}
	}
}

// checkRepos: every repository is encrypted, keeps a number of full backups, and holds no secret (those
// come from PGBACKREST_* variables); want lists the repository types expected, in order.
func checkRepos(t *testing.T, name string, conf map[string]map[string]string, want ...string) {
	t.Helper()
	g := conf["global"]
	for i, typ := range want {
		p := "repo" + string(rune('1'+i)) + "-"
		if g[p+"type"] != typ {
			t.Errorf("%s: %stype = %q, want %s", name, p, g[p+"type"], typ)
		}
		if g[p+"cipher-type"] != "aes-256-cbc" {
			t.Errorf("%s: %scipher-type = %q, want aes-256-cbc (an encrypted repository)", name, p, g[p+"cipher-type"])
		}
		if g[p+"retention-full"] == "" {
			t.Errorf("%s: %sretention-full is not set: backups would pile up without end", name, p)
		}
		for _, secret := range []string{"cipher-pass", "s3-key", "s3-key-secret"} {
			if _, ok := g[p+secret]; ok {
				t.Errorf("%s: %s%s is written in the file; it belongs in PGBACKREST_%s", name, p, secret,
					strings.ToUpper(strings.ReplaceAll(p+secret, "-", "_")))
			}
		}
	}
	if g["start-fast"] != "y" || g["archive-copy"] != "y" {
		t.Errorf("%s: want start-fast=y and archive-copy=y (each backup restorable on its own)", name)
	}
	if conf["yqyb"]["pg1-path"] == "" {
		t.Errorf("%s: the stanza yqyb has no pg1-path", name)
	}
}

// archiveSettings reads the postgres -c settings of a compose command.
func archiveSettings(cmd []string) map[string]string {
	out := map[string]string{}
	for i, a := range cmd {
		if a == "-c" && i+1 < len(cmd) {
			k, v, _ := strings.Cut(cmd[i+1], "=")
			out[k] = v
		}
	}
	return out
}

// TestComposeBackup: the primary archives every WAL segment with pgBackRest (at least one a minute), the
// backup service takes scheduled full and differential backups into the repository volume, the S3
// repository is one override away, and the file bucket keeps versions.
func TestComposeBackup(t *testing.T) {
	compose := parseYAML(t, "compose.yaml")[0]
	services := mapping(compose, "services")
	pg, bk := services["postgres"], services["backup"]
	if bk == nil {
		t.Fatal("compose.yaml has no backup service")
	}
	df := read(t, filepath.Join(str(pg, "build", "context"), "Dockerfile"))
	if !strings.Contains(df, "pgbackrest") || !strings.Contains(df, "backup-schedule.sh") {
		t.Errorf("the postgres image (pgbackrest/Dockerfile) must install pgbackrest and the backup schedule")
	}
	settings := archiveSettings(strs(pg, "command"))
	if settings["archive_mode"] != "on" || settings["wal_level"] != "replica" ||
		!regexp.MustCompile(`^pgbackrest --stanza=yqyb archive-push %p$`).MatchString(settings["archive_command"]) {
		t.Errorf("postgres command %v: want wal_level=replica, archive_mode=on, archive_command=pgbackrest --stanza=yqyb archive-push %%p", strs(pg, "command"))
	}
	if settings["archive_timeout"] == "" || settings["archive_timeout"] == "0" {
		t.Errorf("postgres: archive_timeout is not set: a quiet database would leave its last writes unarchived for hours")
	}

	conf := pgbackrestConf(t, "pgbackrest/pgbackrest.conf", read(t, "pgbackrest/pgbackrest.conf"))
	checkRepos(t, "pgbackrest/pgbackrest.conf", conf, "posix")
	validatePgbackrest(t, "pgbackrest/pgbackrest.conf", read(t, "pgbackrest/pgbackrest.conf"))
	mounts := func(svc any) map[string]string { // target -> source
		out := map[string]string{}
		for _, v := range strs(svc, "volumes") {
			parts := strings.Split(v, ":")
			if len(parts) >= 2 {
				out[parts[1]] = parts[0]
			}
		}
		return out
	}
	for name, svc := range map[string]any{"postgres": pg, "backup": bk} {
		m := mounts(svc)
		if m["/etc/pgbackrest/pgbackrest.conf"] != "./pgbackrest/pgbackrest.conf" {
			t.Errorf("%s does not mount pgbackrest/pgbackrest.conf", name)
		}
		if src := m[conf["global"]["repo1-path"]]; src == "" || strings.HasPrefix(src, ".") {
			t.Errorf("%s: the repository path %s is not a named volume", name, conf["global"]["repo1-path"])
		}
		if m[conf["yqyb"]["pg1-path"]] != "pgdata" || m[conf["yqyb"]["pg1-socket-path"]] == "" {
			t.Errorf("%s: the data directory %s (pgdata) and the socket %s must be mounted", name, conf["yqyb"]["pg1-path"], conf["yqyb"]["pg1-socket-path"])
		}
		if env := environment(svc); !strings.HasPrefix(env["PGBACKREST_REPO1_CIPHER_PASS"], "${PGBACKREST_REPO1_CIPHER_PASS:?") {
			t.Errorf("%s: PGBACKREST_REPO1_CIPHER_PASS must come from .env and be required", name)
		}
	}
	if str(bk, "image") != str(pg, "image") || dependsOn(bk)["postgres"] != "service_healthy" {
		t.Errorf("backup must run the postgres image once postgres is healthy")
	}
	if ep := strs(bk, "entrypoint"); len(ep) != 1 || ep[0] != "/usr/local/bin/yqyb-backup-schedule" {
		t.Errorf("backup entrypoint = %v, want the schedule", ep)
	}
	env := environment(bk)
	if !regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`).MatchString(env["BACKUP_AT"]) || !regexp.MustCompile(`^[1-7]$`).MatchString(env["BACKUP_FULL_WEEKDAY"]) {
		t.Errorf("backup schedule BACKUP_AT=%q BACKUP_FULL_WEEKDAY=%q", env["BACKUP_AT"], env["BACKUP_FULL_WEEKDAY"])
	}
	script := read(t, "pgbackrest/backup-schedule.sh")
	for _, want := range []string{"stanza-create", "check", "--type=\"$type\"", "--type=\"$1\"", "type=diff", "full"} {
		if !strings.Contains(script, want) && !(want == "--type=\"$type\"" && strings.Contains(script, "backup \"$type\"")) {
			t.Errorf("pgbackrest/backup-schedule.sh lacks %q", want)
		}
	}
	if out, err := exec.Command("sh", "-n", "pgbackrest/backup-schedule.sh").CombinedOutput(); err != nil {
		t.Errorf("pgbackrest/backup-schedule.sh: %v\n%s", err, out)
	}
	if st, err := os.Stat("pgbackrest/backup-schedule.sh"); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("pgbackrest/backup-schedule.sh is not executable (%v)", err)
	}

	// The S3 repository: every option of repo2, secrets from .env, both services, and the schedule backs
	// up to it.
	off := parseYAML(t, "compose.offsite.yaml")
	if len(off) != 1 {
		t.Fatalf("compose.offsite.yaml: %d documents", len(off))
	}
	osvc := mapping(off[0], "services")
	for _, name := range []string{"postgres", "backup"} {
		e := environment(osvc[name])
		if e["PGBACKREST_REPO2_TYPE"] != "s3" || e["PGBACKREST_REPO2_CIPHER_TYPE"] != "aes-256-cbc" || e["PGBACKREST_REPO2_RETENTION_FULL"] == "" {
			t.Errorf("compose.offsite.yaml %s: want an encrypted s3 repo2 with a retention, got %v", name, e)
		}
		for _, secret := range []string{"PGBACKREST_REPO2_CIPHER_PASS", "PGBACKREST_REPO2_S3_KEY", "PGBACKREST_REPO2_S3_KEY_SECRET"} {
			if !strings.HasPrefix(e[secret], "${"+secret+":?") {
				t.Errorf("compose.offsite.yaml %s: %s must come from .env and be required", name, secret)
			}
		}
		for _, n := range strs(osvc[name], "networks") {
			if _, ok := mapping(compose, "networks")[n]; !ok && mapping(off[0], "networks")[n] == nil {
				t.Errorf("compose.offsite.yaml %s uses undeclared network %s", name, n)
			}
		}
	}
	if !slices.Contains(strings.Fields(environment(osvc["backup"])["BACKUP_REPOS"]), "2") {
		t.Errorf("compose.offsite.yaml: the backup service does not back up to repo 2")
	}

	// Files: the bucket keeps versions, and old versions expire only after the database's window.
	initCmd := strings.Join(strs(services["minio-init"], "command"), "\n")
	if !strings.Contains(initCmd, "mc version enable") || !strings.Contains(initCmd, "--noncurrent-expire-days") {
		t.Errorf("minio-init must enable versioning on the bucket and expire old versions")
	}
}

// TestKubernetesBackup: the repository host (StatefulSet with its volume and TLS Service), the weekly full
// and daily differential CronJobs beside it, their configuration with both repositories, and placeholder
// Secrets kept out of the kustomization.
func TestKubernetesBackup(t *testing.T) {
	var objs []k8sObject
	files, _ := filepath.Glob("k8s/backup/*.yaml")
	for _, f := range files {
		for _, d := range parseYAML(t, f) {
			objs = append(objs, k8sObject{f, d})
		}
	}
	kust := parseYAML(t, "k8s/kustomization.yaml")[0]
	resources := strs(kust, "resources")
	for _, o := range objs {
		listed := slices.Contains(resources, strings.TrimPrefix(o.file, "k8s/"))
		if o.kind() == "Secret" && listed {
			t.Errorf("kustomization.yaml lists %s: the placeholder Secret would overwrite the real one", o.file)
		}
		if o.kind() != "Secret" && !listed {
			t.Errorf("kustomization.yaml does not list %s (%s %s)", o.file, o.kind(), o.name())
		}
	}
	if !slices.ContainsFunc(list(kust, "images"), func(x any) bool { return str(x, "name") == "yqyb-pgbackrest" && str(x, "newName") != "" }) {
		t.Errorf("kustomization.yaml does not map the yqyb-pgbackrest image to a registry")
	}

	cm := find(objs, "ConfigMap", "yqyb-pgbackrest")
	if cm == nil {
		t.Fatal("k8s/backup has no ConfigMap yqyb-pgbackrest")
	}
	text := str(cm.obj, "data", "pgbackrest.conf")
	conf := pgbackrestConf(t, "ConfigMap yqyb-pgbackrest", text)
	checkRepos(t, "ConfigMap yqyb-pgbackrest", conf, "posix", "s3")
	validatePgbackrest(t, "ConfigMap yqyb-pgbackrest", text)
	if conf["yqyb"]["pg1-host-type"] != "tls" || conf["global"]["tls-server-auth"] == "" {
		t.Errorf("the repository host reaches the primary over TLS (pg1-host-type=tls) and serves its archive-push (tls-server-auth)")
	}
	primary := pgbackrestConf(t, "pgbackrest/pgbackrest-primary.conf", read(t, "pgbackrest/pgbackrest-primary.conf"))
	validatePgbackrest(t, "pgbackrest/pgbackrest-primary.conf", read(t, "pgbackrest/pgbackrest-primary.conf"))
	if primary["global"]["repo1-host-type"] != "tls" || primary["global"]["repo1-host-port"] != conf["global"]["tls-server-port"] {
		t.Errorf("the primary pushes WAL to the repository host's TLS server (port %s)", conf["global"]["tls-server-port"])
	}

	pvc := find(objs, "PersistentVolumeClaim", "")
	sts := find(objs, "StatefulSet", "pgbackrest")
	svc := find(objs, "Service", "pgbackrest")
	if pvc == nil || sts == nil || svc == nil {
		t.Fatal("k8s/backup needs the repository PersistentVolumeClaim, the StatefulSet pgbackrest and its Service")
	}
	if !isSubset(mapping(svc.obj, "spec", "selector"), mapping(sts.obj, "spec", "template", "metadata", "labels")) {
		t.Errorf("Service pgbackrest does not select the StatefulSet's pod")
	}
	secrets := map[string]bool{}
	for _, o := range objs {
		if o.kind() == "Secret" {
			secrets[o.name()] = true
			for k, v := range mapping(o.obj, "stringData") {
				if v != "REPLACE_ME" {
					t.Errorf("%s: %s is not a placeholder", o.file, k)
				}
			}
		}
	}
	checkPodRefs := func(what string, pod map[string]any) {
		checkPodWritable(t, what, pod, "/tmp", conf["global"]["repo1-path"])
		for _, v := range list(pod, "volumes") {
			if c := str(v, "persistentVolumeClaim", "claimName"); c != "" && c != pvc.name() {
				t.Errorf("%s mounts claim %s, not the repository's %s", what, c, pvc.name())
			}
			if n := str(v, "configMap", "name"); n != "" && n != cm.name() {
				t.Errorf("%s mounts ConfigMap %s", what, n)
			}
			if n := str(v, "secret", "secretName"); n != "" && !secrets[n] {
				t.Errorf("%s mounts Secret %s, which k8s/backup/secret.yaml does not describe", what, n)
			}
		}
		for _, c := range list(pod, "containers") {
			if str(c, "image") != "yqyb-pgbackrest" {
				t.Errorf("%s runs image %q, want yqyb-pgbackrest", what, str(c, "image"))
			}
			for _, ref := range list(c, "envFrom") {
				if n := str(ref, "secretRef", "name"); n != "" && !secrets[n] {
					t.Errorf("%s reads Secret %s, which k8s/backup/secret.yaml does not describe", what, n)
				}
			}
		}
	}
	checkPodRefs("StatefulSet pgbackrest", mapping(sts.obj, "spec", "template", "spec"))

	cron := regexp.MustCompile(`^(\S+\s+){4}\S+$`)
	types := map[string]bool{}
	for _, o := range objs {
		if o.kind() != "CronJob" {
			continue
		}
		spec := mapping(o.obj, "spec")
		if !cron.MatchString(str(spec, "schedule")) || str(spec, "timeZone") == "" || str(spec, "concurrencyPolicy") != "Forbid" {
			t.Errorf("CronJob %s: schedule %q, timeZone %q, concurrencyPolicy %q", o.name(), str(spec, "schedule"), str(spec, "timeZone"), str(spec, "concurrencyPolicy"))
		}
		pod := mapping(spec, "jobTemplate", "spec", "template", "spec")
		checkPodRefs("CronJob "+o.name(), pod)
		aff := list(pod, "affinity", "podAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
		if len(aff) == 0 || !isSubset(mapping(aff[0], "labelSelector", "matchLabels"), mapping(sts.obj, "spec", "template", "metadata", "labels")) {
			t.Errorf("CronJob %s must run on the node of the repository host (its volume is ReadWriteOnce)", o.name())
		}
		script := strings.Join(append(strs(pod["containers"].([]any)[0], "command"), strs(pod["containers"].([]any)[0], "args")...), " ")
		m := regexp.MustCompile(`--type=(full|diff|incr) backup`).FindAllStringSubmatch(script, -1)
		for _, r := range []string{"--repo=1", "--repo=2"} {
			if !strings.Contains(script, r) {
				t.Errorf("CronJob %s does not back up to %s", o.name(), r)
			}
		}
		for _, x := range m {
			types[x[1]] = true
		}
	}
	if !types["full"] || !types["diff"] {
		t.Errorf("want a full and a differential backup CronJob, found %v", types)
	}
}
