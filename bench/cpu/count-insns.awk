# Used by count-insns.sh: instruction count of a qemu-riscv64 run from its in_asm + exec,nochain log.
# TB sizes from in_asm blocks, executions from exec lines (nochain: every TB execution is logged)
/^IN:/ { inblk = 1; start = ""; n = 0; next }
inblk && /^0x[0-9a-f]+:/ { if (start == "") start = substr($1, 1, length($1) - 1); n++; next }
inblk && /^$/ { if (start != "") { sub(/^0x0*/, "", start); size[start] = n }; inblk = 0; next }
/^Trace / { split($0, f, "/"); pc = f[2]; sub(/^0*/, "", pc); cnt[pc]++; next }
END { total = 0; miss = 0; for (p in cnt) { if (p in size) total += cnt[p] * size[p]; else miss++ }
      printf "instructions=%d tbs=%d missing=%d\n", total, length(cnt), miss }
