#!/usr/bin/env bash
# Gradescope's entry point for Transfer Lab (resources/grading.md, "Gradescope"): grades the
# submission with ./transfer check and writes /autograder/results/results.json.
#
# Its shape keeps the graded program from changing the grade (issue 18):
# - The whole body is one function, which bash reads whole before running any of it, and the call
#   and the exit share the last line: a program that rewrites this file while it runs changes
#   nothing of this run (bash reads a script as it goes).
# - Gradescope runs this script as root; the grading runs as the unprivileged user GRADER_USER
#   (runuser), in the sandbox (--sandbox required), so the program can write neither this script,
#   nor the kit, nor /autograder/results; the kernel's process limit holds for it (root is exempt).
# - The reports are written into a directory of GRADER_USER's that the sandbox hides from the
#   program, after every graded process is dead; root then copies results.json into place.
#
# Edit only the settings below. COMMAND is a --server-cmd (or, with --client-cmd in CHECK_ARGS, a
# client's) template with the submission's own path.
main() {
  set -u
  local protocol=upload
  local command="python3 /autograder/submission/server.py {port} {dir}"
  local check_args=(--server-cmd "$command" --timeout-factor 2)
  # required: no grading without the box. Where the image cannot run bubblewrap (a container
  # without user namespaces) "auto" grades unboxed after a warning: choose knowingly.
  local sandbox=required
  local user=${GRADER_USER:-transferlab-grader}
  local kit=/autograder/source results=/autograder/results

  if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  fi
  local out status
  out="$(mktemp -d)"
  chown "$user" "$out"
  cd "$kit" || return 1
  # The kit was built by setup.sh (./transfer check --help); TRANSFER_NO_BUILD keeps the launcher
  # from building or writing under the kit, which the grader user cannot write anyway.
  runuser -u "$user" -- env TRANSFER_NO_BUILD=1 HOME="$out" ./transfer check "$protocol" "${check_args[@]}" \
    --sandbox "$sandbox" --gradescope "$out/results.json" --junit-xml "$out/junit.xml"
  status=$?
  mkdir -p "$results"
  if [ -s "$out/results.json" ]; then
    cp "$out/results.json" "$results/results.json"
  else
    # Exit 2: a usage error, or --sandbox required where bubblewrap does not work.
    printf '{"score": 0, "output": "The autograder could not grade (exit status %d); see its log."}\n' \
      "$status" >"$results/results.json"
  fi
  rm -rf "$out"
  # Exit 1 only means "a requirement failed": results.json has the score either way.
  return 0
}
main "$@"; exit $?
