#!/usr/bin/env bash
# Runs every bare-metal fixture (test/fixtures/bare/build/*.elf) under qemu-system-riscv64 as the reference
# and prints pass/fail per test. Pass = the program wrote 0x5555 to the SiFive test finisher (QEMU exits 0);
# fail = (testnum << 16) | 0x3333 (QEMU exits with testnum); a hang is stopped after $TIMEOUT seconds.
# Needs qemu-system-riscv64 (Debian: qemu-system-misc, 7.2 tested). Usage: scripts/check-fixtures-qemu.sh [NAME...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/test/fixtures/bare/build"
QEMU="${QEMU:-qemu-system-riscv64}"
TIMEOUT="${TIMEOUT:-30}"
# h=false: no hypervisor extension, so misa is exactly RV64IMAFDC + S + U as on our emulator. Sstc is on by default.
CPU="${CPU:-rv64,h=false,sstc=true}"

if ! command -v "$QEMU" >/dev/null 2>&1; then
  echo "check-fixtures-qemu: $QEMU not found (apt-get install qemu-system-misc)" >&2
  exit 2
fi

if [ "$#" -gt 0 ]; then names=("$@"); else names=(); for f in *.elf; do names+=("${f%.elf}"); done; fi
# Known divergences of QEMU 7.2 from the privileged spec 1.12, as NAME=expected finisher code (the number of
# the one case that checks the rule; every earlier case of that program passed when the code matches).
#   strict=4: MPP must not hold the reserved mode 2 (case 4; then 5..7: xRET below M clears MPRV, mepc[0]/sepc[0] read 0)
#   pmp=19: pmpcfg4..14 (case 19) and pmpaddr16..63 (case 21) keep what is written and pmpaddr keeps bits 63:54
#           (case 20); the specification has them read as zero (16 entries implemented, 56-bit physical addresses)
#   sdtrig=11: an M-mode trigger with action 0 fires while mstatus.MIE is 0 (Sdtrig 1.0 without tcontrol: it must not)
declare -A XFAIL=([strict]=4 [pmp]=19 [sdtrig]=11)
passed=0; failed=0; xfailed=0
for name in "${names[@]}"; do
  set +e
  out="$(timeout "$TIMEOUT" "$QEMU" -machine virt -cpu "$CPU" -m 128M -bios none -nographic -monitor none \
         -serial stdio -kernel "$name.elf" 2>&1)"
  rc=$?
  set -e
  if [ -n "${XFAIL[$name]:-}" ] && [ "$rc" -eq "${XFAIL[$name]}" ]; then
    echo "XFAIL $name (finisher code $rc: known QEMU 7.2 divergence, see the script and README)"
    xfailed=$((xfailed + 1))
  elif [ "$rc" -eq 0 ]; then
    echo "PASS $name"; passed=$((passed + 1))
  elif [ "$rc" -eq 124 ]; then
    echo "FAIL $name (timeout after ${TIMEOUT}s)"; failed=$((failed + 1))
  else
    tn=$rc
    echo "FAIL $name (finisher code $tn: failing case number modulo 256; cases >= 0x400 are unexpected traps)"
    failed=$((failed + 1))
  fi
  if [ -n "$out" ]; then printf '%s\n' "$out" | sed 's/^/    | /'; fi
done
echo "$passed passed, $failed failed, $xfailed skipped"   # skipped = XFAIL (known reference divergence)
[ "$failed" -eq 0 ]
