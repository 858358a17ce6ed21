// The server's version string is `git describe --tags --always --dirty` at build time: "v1.2.0",
// "v1.2.0-3-g5bc9da7", or only a commit ("5bc9da7", "5bc9da7-dirty") when no release tag exists. The 关于
// page shows the release and the build (the commit) apart.
export interface VersionParts {
  /** The release, e.g. "v1.2.0"; empty when the build is of no release. */
  release: string
  /** The commit the binary was built from, with "-dirty" when the tree had changes; empty for a release. */
  build: string
}

const DESCRIBED = /^(v?\d+(?:\.\d+)+)(?:-(\d+)-g([0-9a-f]{7,40}))?(-dirty)?$/
const COMMIT = /^([0-9a-f]{7,40})(-dirty)?$/

export function splitVersion(v: string): VersionParts {
  const d = DESCRIBED.exec(v)
  if (d) return { release: d[1]!, build: d[3] ? `${d[3]}${d[4] ?? ''}` : (d[4] ?? '').slice(1) }
  const c = COMMIT.exec(v)
  if (c) return { release: '', build: `${c[1]}${c[2] ?? ''}` }
  return { release: v, build: '' }
}
