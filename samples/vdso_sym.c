/* The seed's vdso_sym walker in C: find __vdso_gettimeofday by walking the vDSO's section headers from
 * getauxval(AT_SYSINFO_EHDR), and call it directly. */
#include <sys/auxv.h>
#include <stdio.h>
#include <string.h>
#include <elf.h>
#include <sys/time.h>

typedef unsigned char u8;

static void *vdso_sym(const char *symname)
{
    u8 *vdso_addr = (u8 *)getauxval(AT_SYSINFO_EHDR);
    Elf64_Ehdr *elf_header = (Elf64_Ehdr *)vdso_addr;
    Elf64_Shdr *section_header = (Elf64_Shdr *)(vdso_addr + elf_header->e_shoff);
    Elf64_Shdr *shstr = &section_header[elf_header->e_shstrndx];
    char *dynstr = 0;
    void *ret = NULL;
    int i;

    for (i = 0; i < elf_header->e_shnum; i++) {
        char *name = (char *)(vdso_addr + shstr->sh_offset + section_header[i].sh_name);
        if (strcmp(name, ".dynstr") == 0) {
            dynstr = (char *)(vdso_addr + section_header[i].sh_offset);
            break;
        }
    }
    if (!dynstr)
        return NULL;
    for (i = 0; i < elf_header->e_shnum; i++) {
        char *name = (char *)(vdso_addr + shstr->sh_offset + section_header[i].sh_name);
        if (strcmp(name, ".dynsym") == 0) {
            Elf64_Sym *syms = (Elf64_Sym *)(vdso_addr + section_header[i].sh_offset);
            unsigned long si, n = section_header[i].sh_size / section_header[i].sh_entsize;
            for (si = 0; si < n; si++) {
                if (strcmp(dynstr + syms[si].st_name, symname) == 0) {
                    ret = vdso_addr + syms[si].st_value;
                    break;
                }
            }
            if (ret)
                break;
        }
    }
    return ret;
}

typedef int(gettimeofday_t)(struct timeval *tv, struct timezone *tz);

int main()
{
    gettimeofday_t *my_gettimeofday = (gettimeofday_t *)vdso_sym("__vdso_gettimeofday");
    struct timeval tv;
    struct timezone tz;

    if (!my_gettimeofday) {
        printf("__vdso_gettimeofday not found\n");
        return 1;
    }
    printf("found __vdso_gettimeofday at vdso+0x%lx\n",
           (unsigned long)((u8 *)my_gettimeofday - (u8 *)getauxval(AT_SYSINFO_EHDR)));
    my_gettimeofday(&tv, &tz);
    printf("tv_sec=%d, tv_usec=%d\n", (int)tv.tv_sec, (int)tv.tv_usec);
    return 0;
}
