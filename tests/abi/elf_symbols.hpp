// Reads the names a shared object exports: the defined global and weak symbols of its ELF .dynsym
// section (what `nm -D --defined-only` prints), without running any tool.
#ifndef WP_TESTS_ABI_ELF_SYMBOLS_HPP
#define WP_TESTS_ABI_ELF_SYMBOLS_HPP

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace wptest {

inline std::set<std::string> exportedSymbols(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto read = [&file](std::size_t offset, auto& target) {
        if (offset + sizeof target > file.size())
            throw std::runtime_error("truncated ELF file");
        std::memcpy(&target, file.data() + offset, sizeof target);
    };
    Elf64_Ehdr header;
    read(0, header);
    if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64)
        throw std::runtime_error(path + " is not a 64-bit ELF file");

    std::vector<Elf64_Shdr> sections(header.e_shnum);
    for (std::size_t i = 0; i < sections.size(); ++i)
        read(header.e_shoff + i * header.e_shentsize, sections[i]);

    std::set<std::string> names;
    for (const Elf64_Shdr& section : sections) {
        if (section.sh_type != SHT_DYNSYM)
            continue;
        const Elf64_Shdr& strings = sections.at(section.sh_link);
        for (std::size_t offset = 0; offset + sizeof(Elf64_Sym) <= section.sh_size;
             offset += sizeof(Elf64_Sym)) {
            Elf64_Sym symbol;
            read(section.sh_offset + offset, symbol);
            unsigned binding = ELF64_ST_BIND(symbol.st_info);
            bool exported = binding == STB_GLOBAL || binding == STB_WEAK || binding == STB_GNU_UNIQUE;
            if (symbol.st_shndx == SHN_UNDEF || !exported || symbol.st_name >= strings.sh_size)
                continue;
            names.insert(std::string(file.data() + strings.sh_offset + symbol.st_name));
        }
    }
    return names;
}

} // namespace wptest

#endif // WP_TESTS_ABI_ELF_SYMBOLS_HPP
