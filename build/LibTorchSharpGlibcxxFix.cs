// Makes TorchSharp-cpu 0.107's libLibTorchSharp.so load on systems whose libstdc++ stops at GLIBCXX_3.4.30
// (Debian 12). See docs/torchsharp-on-debian.md for the why; this file is the how.
//
// ONE source file, compiled twice, so the code the build runs is the code the tests check:
//  * build/Vigil.TorchSharp.targets compiles it with RoslynCodeTaskFactory into the PatchLibTorchSharp task.
//    That compiler references netstandard 2.0 only: no Span, records, init or BinaryPrimitives in here.
//  * src/Vigil.ML links it (defining VIGIL_NO_MSBUILD_TASK) so `vigil doctor` can tell whether the loaded
//    library was patched; tests/Vigil.ML.Tests reach the internals through InternalsVisibleTo.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
#if !VIGIL_NO_MSBUILD_TASK
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace Vigil.NativeFix
{
    /// <summary>The file is not an ELF we understand, or its layout is not what the fix expects.</summary>
    internal sealed class ElfFormatException : Exception
    {
        public ElfFormatException(string message) : base(message) { }
    }

    /// <summary>One entry of the section header table.</summary>
    internal sealed class ElfSection
    {
        public ElfSection(int index, string name, uint type, long offset, long size, uint link, uint info, long entrySize)
        {
            Index = index; Name = name; Type = type; Offset = offset; Size = size; Link = link; Info = info; EntrySize = entrySize;
        }

        public int Index { get; }
        public string Name { get; }
        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        public uint Link { get; }
        public uint Info { get; }
        public long EntrySize { get; }
    }

    /// <summary>An Elf64_Verneed record: the versions needed from one shared library.</summary>
    internal sealed class ElfVersionNeed
    {
        public ElfVersionNeed(string file, IReadOnlyList<ElfVersionAux> versions)
        {
            File = file; Versions = versions;
        }

        public string File { get; }
        public IReadOnlyList<ElfVersionAux> Versions { get; }
    }

    /// <summary>An Elf64_Vernaux record: one version needed; <see cref="Offset"/> is its position in the file.</summary>
    internal sealed class ElfVersionAux
    {
        public ElfVersionAux(long offset, uint hash, ushort flags, ushort index, uint nameOffset, string name)
        {
            Offset = offset; Hash = hash; Flags = flags; Index = index; NameOffset = nameOffset; Name = name;
        }

        public long Offset { get; }
        public uint Hash { get; }
        public ushort Flags { get; }
        /// <summary>vna_other: the version index that .gnu.version entries use to point here.</summary>
        public ushort Index { get; }
        public uint NameOffset { get; }
        public string Name { get; }
    }

    /// <summary>
    /// A read-only view of a 64-bit little-endian ELF file, enough to read symbol versioning.
    /// Every read is bounds-checked; anything unexpected is an <see cref="ElfFormatException"/>.
    /// </summary>
    internal sealed class ElfImage
    {
        public const uint ShtStrtab = 3;
        public const uint ShtRela = 4;
        public const uint ShtNobits = 8;
        public const uint ShtRel = 9;
        public const uint ShtDynsym = 11;
        public const uint ShtGnuVerdef = 0x6ffffffd;
        public const uint ShtGnuVerneed = 0x6ffffffe;
        public const uint ShtGnuVersym = 0x6fffffff;

        private const int ElfHeaderSize = 64;
        private const int SectionHeaderSize = 64;
        private const int SymbolSize = 24;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;
        private const int VerdefSize = 20;
        private const int VerdauxSize = 8;

        private readonly byte[] _data;
        private readonly List<ElfSection> _sections;

        private ElfImage(byte[] data, List<ElfSection> sections)
        {
            _data = data;
            _sections = sections;
        }

        public IReadOnlyList<ElfSection> Sections => _sections;

        /// <summary>Reads the ELF and section headers; throws <see cref="ElfFormatException"/> on anything malformed.</summary>
        public static ElfImage Parse(byte[] data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (data.Length < 4 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
                throw new ElfFormatException("not an ELF file (the first bytes are not \\x7FELF)");
            if (data.Length < ElfHeaderSize)
                throw new ElfFormatException($"truncated ELF file: {data.Length} bytes, shorter than the {ElfHeaderSize}-byte ELF64 header");
            if (data[4] != 2) throw new ElfFormatException($"only 64-bit ELF is supported (EI_CLASS is {data[4]}, expected 2)");
            if (data[5] != 1) throw new ElfFormatException($"only little-endian ELF is supported (EI_DATA is {data[5]}, expected 1)");
            if (data[6] != 1) throw new ElfFormatException($"unknown ELF version {data[6]}");

            ushort type = ReadU16(data, 0x10);
            if (type != 3) throw new ElfFormatException($"not a shared library (e_type is {type}, expected 3 = ET_DYN)");

            long tableOffset = ToLong(ReadU64(data, 0x28), "e_shoff");
            ushort entrySize = ReadU16(data, 0x3a);
            ushort count = ReadU16(data, 0x3c);
            ushort namesIndex = ReadU16(data, 0x3e);
            if (tableOffset == 0 || count == 0)
                throw new ElfFormatException("the file has no section header table (stripped of sections, or extended section numbering), so its version tables cannot be located safely");
            if (entrySize != SectionHeaderSize)
                throw new ElfFormatException($"unexpected section header size {entrySize} (expected {SectionHeaderSize})");
            if (tableOffset > data.Length || (long)count * SectionHeaderSize > data.Length - tableOffset)
                throw new ElfFormatException($"truncated ELF file: the section header table ({count} x {SectionHeaderSize} bytes at offset {tableOffset}) runs past the end of the {data.Length}-byte file");
            if (namesIndex >= count)
                throw new ElfFormatException($"section name table index {namesIndex} is outside the {count} sections");

            var raw = new List<ElfSection>(count);
            var nameOffsets = new uint[count];
            for (int i = 0; i < count; i++)
            {
                long at = tableOffset + (long)i * SectionHeaderSize;
                nameOffsets[i] = ReadU32(data, at);
                uint sectionType = ReadU32(data, at + 4);
                long offset = ToLong(ReadU64(data, at + 0x18), "sh_offset");
                long size = ToLong(ReadU64(data, at + 0x20), "sh_size");
                uint link = ReadU32(data, at + 0x28);
                uint info = ReadU32(data, at + 0x2c);
                long sectionEntrySize = ToLong(ReadU64(data, at + 0x38), "sh_entsize");
                // NOBITS sections (.bss) occupy no file bytes; every other one must lie inside the file.
                if (sectionType != ShtNobits && (offset > data.Length || size > data.Length - offset))
                    throw new ElfFormatException($"truncated or corrupt ELF file: section {i} ({size} bytes at offset {offset}) runs past the end of the {data.Length}-byte file");
                raw.Add(new ElfSection(i, "", sectionType, offset, size, link, info, sectionEntrySize));
            }

            var sections = new List<ElfSection>(count);
            ElfSection names = raw[namesIndex];
            for (int i = 0; i < count; i++)
            {
                ElfSection s = raw[i];
                string name = namesIndex == 0 ? "" : ReadString(data, names, nameOffsets[i]);
                sections.Add(new ElfSection(s.Index, name, s.Type, s.Offset, s.Size, s.Link, s.Info, s.EntrySize));
            }
            return new ElfImage(data, sections);
        }

        /// <summary>The .gnu.version_r records (versions this file needs from other libraries), in file order.</summary>
        public List<ElfVersionNeed> ReadVersionNeeds()
        {
            var result = new List<ElfVersionNeed>();
            ElfSection? section = SingleSection(ShtGnuVerneed, ".gnu.version_r");
            if (section == null) return result;
            ElfSection strings = LinkedSection(section, ShtStrtab);
            if (section.Info > section.Size / VerneedSize)
                throw new ElfFormatException($"{section.Name} claims {section.Info} records but is only {section.Size} bytes");

            long at = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                RequireInside(section, at, VerneedSize);
                ushort version = ReadU16(_data, at);
                if (version != 1) throw new ElfFormatException($"{section.Name}: record at offset {at} has vn_version {version}, expected 1");
                ushort auxCount = ReadU16(_data, at + 2);
                string file = ReadString(_data, strings, ReadU32(_data, at + 4));
                uint auxOffset = ReadU32(_data, at + 8);
                uint next = ReadU32(_data, at + 12);

                var versions = new List<ElfVersionAux>(auxCount);
                long auxAt = at + auxOffset;
                for (int j = 0; j < auxCount; j++)
                {
                    RequireInside(section, auxAt, VernauxSize);
                    uint nameOffset = ReadU32(_data, auxAt + 8);
                    versions.Add(new ElfVersionAux(auxAt, ReadU32(_data, auxAt), ReadU16(_data, auxAt + 4),
                        ReadU16(_data, auxAt + 6), nameOffset, ReadString(_data, strings, nameOffset)));
                    uint auxNext = ReadU32(_data, auxAt + 12);
                    if (j < auxCount - 1)
                    {
                        if (auxNext == 0) throw new ElfFormatException($"{section.Name}: the version list of {file} ends after {j + 1} of {auxCount} entries");
                        auxAt += auxNext;
                    }
                }
                result.Add(new ElfVersionNeed(file, versions));

                if (i < section.Info - 1)
                {
                    if (next == 0) throw new ElfFormatException($"{section.Name}: the record chain ends after {i + 1} of {section.Info} records");
                    at += next;
                }
            }
            return result;
        }

        /// <summary>The version names this file defines (.gnu.version_d), e.g. GLIBCXX_3.4.30 for libstdc++.</summary>
        public List<string> ReadVersionDefinitions()
        {
            var result = new List<string>();
            ElfSection? section = SingleSection(ShtGnuVerdef, ".gnu.version_d");
            if (section == null) return result;
            ElfSection strings = LinkedSection(section, ShtStrtab);
            if (section.Info > section.Size / VerdefSize)
                throw new ElfFormatException($"{section.Name} claims {section.Info} records but is only {section.Size} bytes");

            long at = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                RequireInside(section, at, VerdefSize);
                ushort version = ReadU16(_data, at);
                if (version != 1) throw new ElfFormatException($"{section.Name}: record at offset {at} has vd_version {version}, expected 1");
                ushort auxCount = ReadU16(_data, at + 6);
                uint auxOffset = ReadU32(_data, at + 12);
                uint next = ReadU32(_data, at + 16);
                // The first Verdaux names the version itself; any others name its parents.
                if (auxCount > 0)
                {
                    RequireInside(section, at + auxOffset, VerdauxSize);
                    result.Add(ReadString(_data, strings, ReadU32(_data, at + auxOffset)));
                }
                if (i < section.Info - 1)
                {
                    if (next == 0) throw new ElfFormatException($"{section.Name}: the record chain ends after {i + 1} of {section.Info} records");
                    at += next;
                }
            }
            return result;
        }

        /// <summary>Dynamic symbols whose .gnu.version entry is <paramref name="versionIndex"/>, as (symbol index, name).</summary>
        public List<KeyValuePair<long, string>> SymbolsWithVersionIndex(ushort versionIndex)
        {
            var result = new List<KeyValuePair<long, string>>();
            ElfSection? versym = SingleSection(ShtGnuVersym, ".gnu.version");
            if (versym == null) return result;
            ElfSection dynsym = LinkedSection(versym, ShtDynsym);
            ElfSection strings = LinkedSection(dynsym, ShtStrtab);
            if (dynsym.EntrySize != SymbolSize) throw new ElfFormatException($"{dynsym.Name} has entry size {dynsym.EntrySize}, expected {SymbolSize}");
            long symbolCount = dynsym.Size / SymbolSize;
            if (versym.Size != symbolCount * 2)
                throw new ElfFormatException($"{versym.Name} has {versym.Size / 2} entries but {dynsym.Name} has {symbolCount} symbols");

            for (long i = 0; i < symbolCount; i++)
            {
                // Bit 15 marks a hidden symbol; the low 15 bits are the version index.
                if ((ReadU16(_data, versym.Offset + i * 2) & 0x7fff) != versionIndex) continue;
                result.Add(new KeyValuePair<long, string>(i, ReadString(_data, strings, ReadU32(_data, dynsym.Offset + i * SymbolSize))));
            }
            return result;
        }

        /// <summary>Indices of dynamic symbols that some relocation (REL or RELA) refers to, i.e. that the loader will bind.</summary>
        public HashSet<long> SymbolsUsedByRelocations()
        {
            var result = new HashSet<long>();
            ElfSection? dynsym = SingleSection(ShtDynsym, ".dynsym");
            if (dynsym == null) return result;
            foreach (ElfSection section in _sections)
            {
                if ((section.Type != ShtRela && section.Type != ShtRel) || section.Link != dynsym.Index) continue;
                int entrySize = section.Type == ShtRela ? 24 : 16;
                if (section.EntrySize != entrySize) throw new ElfFormatException($"{section.Name} has entry size {section.EntrySize}, expected {entrySize}");
                for (long at = section.Offset; at + entrySize <= section.Offset + section.Size; at += entrySize)
                    result.Add((long)(ReadU64(_data, at + 8) >> 32)); // ELF64_R_SYM(r_info)
            }
            return result;
        }

        /// <summary>The System V ELF hash, which vna_hash must hold for vna_name.</summary>
        public static uint Hash(string name)
        {
            uint h = 0;
            foreach (byte c in Encoding.UTF8.GetBytes(name))
            {
                h = (h << 4) + c;
                uint g = h & 0xf0000000;
                if (g != 0) h ^= g >> 24;
                h &= ~g;
            }
            return h;
        }

        private ElfSection? SingleSection(uint type, string what)
        {
            ElfSection? found = null;
            foreach (ElfSection s in _sections)
            {
                if (s.Type != type) continue;
                if (found != null) throw new ElfFormatException($"more than one {what} section (sections {found.Index} and {s.Index})");
                found = s;
            }
            return found;
        }

        private ElfSection LinkedSection(ElfSection from, uint expectedType)
        {
            if (from.Link == 0 || from.Link >= _sections.Count)
                throw new ElfFormatException($"section {from.Name} links to section {from.Link}, which does not exist");
            ElfSection linked = _sections[(int)from.Link];
            if (linked.Type != expectedType)
                throw new ElfFormatException($"section {from.Name} links to {linked.Name} of type 0x{linked.Type:x}, expected 0x{expectedType:x}");
            return linked;
        }

        private static void RequireInside(ElfSection section, long at, int length)
        {
            if (at < section.Offset || at + length > section.Offset + section.Size)
                throw new ElfFormatException($"{section.Name}: a {length}-byte record at offset {at} lies outside the section ({section.Size} bytes at {section.Offset})");
        }

        private static string ReadString(byte[] data, ElfSection table, uint offset)
        {
            if (table.Type != ShtStrtab) throw new ElfFormatException($"section {table.Name} is not a string table");
            if (offset >= table.Size) throw new ElfFormatException($"string offset {offset} is outside {table.Name} ({table.Size} bytes)");
            long start = table.Offset + offset, end = table.Offset + table.Size;
            long nul = start;
            while (nul < end && data[nul] != 0) nul++;
            if (nul == end) throw new ElfFormatException($"string at offset {offset} in {table.Name} is not NUL-terminated");
            return Encoding.UTF8.GetString(data, (int)start, (int)(nul - start));
        }

        private static long ToLong(ulong value, string field)
        {
            if (value > long.MaxValue) throw new ElfFormatException($"{field} value {value} is out of range");
            return (long)value;
        }

        private static void Require(byte[] data, long at, int length)
        {
            if (at < 0 || at > data.Length - length)
                throw new ElfFormatException($"truncated ELF file: needed {length} bytes at offset {at}, the file has {data.Length}");
        }

        private static ushort ReadU16(byte[] data, long at)
        {
            Require(data, at, 2);
            return (ushort)(data[at] | data[at + 1] << 8);
        }

        private static uint ReadU32(byte[] data, long at)
        {
            Require(data, at, 4);
            return (uint)(data[at] | data[at + 1] << 8 | data[at + 2] << 16 | data[at + 3] << 24);
        }

        private static ulong ReadU64(byte[] data, long at)
        {
            Require(data, at, 8);
            return ReadU32(data, at) | (ulong)ReadU32(data, at + 4) << 32;
        }
    }

    /// <summary>Where a libLibTorchSharp.so stands with respect to the fix.</summary>
    internal enum LibTorchSharpFixState
    {
        /// <summary>It does not ask for GLIBCXX_3.4.32 and was not patched by us.</summary>
        NotNeeded,
        /// <summary>It asks for GLIBCXX_3.4.32 and can safely be redirected to GLIBCXX_3.4.30.</summary>
        NeedsPatch,
        /// <summary>It was patched: the former 3.4.32 entry now duplicates the 3.4.30 one.</summary>
        Patched,
    }

    /// <summary>The outcome of <see cref="LibTorchSharpFix.Analyze"/>.</summary>
    internal sealed class LibTorchSharpAnalysis
    {
        public LibTorchSharpAnalysis(LibTorchSharpFixState state, string summary, ElfVersionAux? missing, ElfVersionAux? replacement, IReadOnlyList<string> affectedSymbols)
        {
            State = state; Summary = summary; Missing = missing; Replacement = replacement; AffectedSymbols = affectedSymbols;
        }

        public LibTorchSharpFixState State { get; }
        public string Summary { get; }
        /// <summary>The GLIBCXX_3.4.32 entry (only when <see cref="State"/> is NeedsPatch).</summary>
        public ElfVersionAux? Missing { get; }
        /// <summary>The GLIBCXX_3.4.30 entry it is redirected to (only when <see cref="State"/> is NeedsPatch).</summary>
        public ElfVersionAux? Replacement { get; }
        /// <summary>Symbols bound to the 3.4.32 entry; none of them is used by a relocation.</summary>
        public IReadOnlyList<string> AffectedSymbols { get; }
    }

    /// <summary>The outcome of <see cref="LibTorchSharpFix.PatchFile"/>.</summary>
    internal sealed class LibTorchSharpFileResult
    {
        public LibTorchSharpFileResult(string path, LibTorchSharpFixState stateBefore, bool changed, string summary)
        {
            Path = path; StateBefore = stateBefore; Changed = changed; Summary = summary;
        }

        public string Path { get; }
        public LibTorchSharpFixState StateBefore { get; }
        public bool Changed { get; }
        public string Summary { get; }
    }

    /// <summary>
    /// The fix: rewrite the Elf64_Vernaux entry GLIBCXX_3.4.32 (needed from libstdc++.so.6) so it names the
    /// GLIBCXX_3.4.30 entry instead (copying its vna_hash and vna_name). Only the symbol
    /// std::ios_base_library_init() carries version 3.4.32 and no relocation refers to it, so nothing else changes.
    /// </summary>
    internal static class LibTorchSharpFix
    {
        public const string LibraryFileName = "libLibTorchSharp.so";
        public const string StdCxxLibrary = "libstdc++.so.6";
        public const string MissingVersion = "GLIBCXX_3.4.32";
        public const string ReplacementVersion = "GLIBCXX_3.4.30";

        /// <summary>Decides what the fix would do to this file; throws <see cref="ElfFormatException"/> if it must refuse.</summary>
        public static LibTorchSharpAnalysis Analyze(byte[] data)
        {
            ElfImage image = ElfImage.Parse(data);
            List<ElfVersionNeed> stdcxx = image.ReadVersionNeeds().Where(n => n.File == StdCxxLibrary).ToList();
            var none = new string[0];
            if (stdcxx.Count == 0)
                return new LibTorchSharpAnalysis(LibTorchSharpFixState.NotNeeded, $"needs no versions from {StdCxxLibrary}", null, null, none);
            if (stdcxx.Count > 1)
                throw new ElfFormatException($".gnu.version_r lists {StdCxxLibrary} {stdcxx.Count} times");

            IReadOnlyList<ElfVersionAux> versions = stdcxx[0].Versions;
            List<ElfVersionAux> missing = versions.Where(v => v.Name == MissingVersion).ToList();
            List<ElfVersionAux> replacement = versions.Where(v => v.Name == ReplacementVersion).ToList();

            if (missing.Count == 0)
            {
                // Our patch leaves exactly two 3.4.30 entries sharing one name string and hash; a linker never does.
                bool patched = replacement.Count == 2 && replacement[0].NameOffset == replacement[1].NameOffset
                    && replacement[0].Hash == replacement[1].Hash && replacement[0].Index != replacement[1].Index;
                return patched
                    ? new LibTorchSharpAnalysis(LibTorchSharpFixState.Patched, $"already patched: {MissingVersion} redirected to {ReplacementVersion}", null, null, none)
                    : new LibTorchSharpAnalysis(LibTorchSharpFixState.NotNeeded, $"does not need {MissingVersion}", null, null, none);
            }
            if (missing.Count > 1)
                throw new ElfFormatException($"{StdCxxLibrary} has {missing.Count} {MissingVersion} entries, expected one");
            if (replacement.Count != 1)
                throw new ElfFormatException($"needs {MissingVersion} but has {replacement.Count} {ReplacementVersion} entries to redirect it to, expected exactly one");

            ElfVersionAux from = missing[0], to = replacement[0];
            foreach (ElfVersionAux v in new[] { from, to })
            {
                if (v.Hash != ElfImage.Hash(v.Name))
                    throw new ElfFormatException($"the {v.Name} entry has hash 0x{v.Hash:x8}, but the ELF hash of its name is 0x{ElfImage.Hash(v.Name):x8}");
            }

            // Redirecting is safe only if nothing is ever bound against the 3.4.32 version.
            List<KeyValuePair<long, string>> symbols = image.SymbolsWithVersionIndex(from.Index);
            HashSet<long> relocated = image.SymbolsUsedByRelocations();
            List<string> bound = symbols.Where(s => relocated.Contains(s.Key)).Select(s => s.Value).ToList();
            if (bound.Count > 0)
                throw new ElfFormatException($"symbols needing {MissingVersion} are used by relocations ({string.Join(", ", bound)}), so redirecting them to {ReplacementVersion} would fail at run time");

            List<string> names = symbols.Select(s => s.Value).ToList();
            string which = names.Count == 0 ? "no symbol" : string.Join(", ", names);
            return new LibTorchSharpAnalysis(LibTorchSharpFixState.NeedsPatch,
                $"needs {MissingVersion} (only for {which}, which no relocation uses)", from, to, names);
        }

        /// <summary>Patches <paramref name="data"/> in place when needed; returns the analysis made before patching.</summary>
        public static LibTorchSharpAnalysis Patch(byte[] data)
        {
            LibTorchSharpAnalysis before = Analyze(data);
            if (before.State != LibTorchSharpFixState.NeedsPatch) return before;

            ElfVersionAux from = before.Missing!, to = before.Replacement!;
            // vna_hash is at +0 and vna_name at +8; vna_flags, vna_other (the index symbols use) and vna_next stay.
            Array.Copy(data, to.Offset, data, from.Offset, 4);
            Array.Copy(data, to.Offset + 8, data, from.Offset + 8, 4);

            LibTorchSharpAnalysis after = Analyze(data);
            if (after.State != LibTorchSharpFixState.Patched)
                throw new InvalidOperationException($"internal error: after patching, the library reads as {after.State}");
            return before;
        }

        /// <summary>
        /// Patches the file at <paramref name="path"/> when needed. The result is written to a new file in the same folder
        /// and renamed over <paramref name="path"/>: a hard link or symlink into the NuGet cache is thereby replaced, never
        /// written through, and a process that has the old file mapped keeps its copy. The modification time is kept so
        /// MSBuild's incremental copy (same size and time = unchanged) does not put the original back on the next build.
        /// </summary>
        public static LibTorchSharpFileResult PatchFile(string path)
        {
            byte[] data = File.ReadAllBytes(path);
            LibTorchSharpAnalysis analysis = Patch(data);
            if (analysis.State != LibTorchSharpFixState.NeedsPatch)
                return new LibTorchSharpFileResult(path, analysis.State, false, analysis.Summary);

            string fullPath = Path.GetFullPath(path);
            string folder = Path.GetDirectoryName(fullPath) ?? ".";
            string temp = Path.Combine(folder, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            DateTime modified = File.GetLastWriteTimeUtc(fullPath);
            try
            {
                File.Copy(fullPath, temp); // a fresh file that keeps the original's permissions
                File.WriteAllBytes(temp, data);
                File.SetLastWriteTimeUtc(temp, modified);
                File.Replace(temp, fullPath, null); // rename(2): replaces the directory entry, not a link's target
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }

            LibTorchSharpFixState now = Analyze(File.ReadAllBytes(fullPath)).State;
            if (now != LibTorchSharpFixState.Patched)
                throw new IOException($"{fullPath} reads as {now} after patching; something else rewrote it");
            return new LibTorchSharpFileResult(path, LibTorchSharpFixState.NeedsPatch, true, analysis.Summary);
        }
    }

    /// <summary>Finds shared libraries the way this process's loader did, and asks libstdc++ which versions it has.</summary>
    internal static class LoadedLibraries
    {
        // Used only when /proc/self/maps does not show a libstdc++ (the .NET host normally has one mapped).
        private static readonly string[] StdCxxFallbacks =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        };

        /// <summary>The path of the first mapped file whose name starts with <paramref name="fileNamePrefix"/>, or null.</summary>
        public static string? FindMapped(string fileNamePrefix)
        {
            const string mapsFile = "/proc/self/maps";
            if (!File.Exists(mapsFile)) return null;
            foreach (string line in File.ReadLines(mapsFile))
            {
                // address perms offset dev inode path; the path may contain spaces.
                string[] fields = line.Split(new[] { ' ' }, 6, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 6) continue;
                string path = fields[5].Trim();
                const string deleted = " (deleted)";
                if (path.EndsWith(deleted, StringComparison.Ordinal)) path = path.Substring(0, path.Length - deleted.Length);
                if (path.StartsWith("/", StringComparison.Ordinal) && Path.GetFileName(path).StartsWith(fileNamePrefix, StringComparison.Ordinal))
                    return path;
            }
            return null;
        }

        /// <summary>The libstdc++ this process uses (and so any .NET process on this machine), or null when there is none.</summary>
        public static string? FindStdCxx()
        {
            string? mapped = FindMapped("libstdc++.so");
            if (mapped != null) return mapped;
            return StdCxxFallbacks.FirstOrDefault(File.Exists);
        }

        /// <summary>Whether the library at <paramref name="path"/> defines the symbol version <paramref name="version"/>.</summary>
        public static bool DefinesVersion(string path, string version) =>
            ElfImage.Parse(File.ReadAllBytes(path)).ReadVersionDefinitions().Contains(version);
    }

#if !VIGIL_NO_MSBUILD_TASK
    /// <summary>
    /// MSBuild task: patches each given libLibTorchSharp.so when the system libstdc++ lacks GLIBCXX_3.4.32.
    /// Wired by build/Vigil.TorchSharp.targets after Build and after Publish.
    /// </summary>
    public sealed class PatchLibTorchSharp : Task
    {
        /// <summary>Output copies of libLibTorchSharp.so (never the NuGet cache's).</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = new ITaskItem[0];

        /// <summary>Optional: the libstdc++ to check instead of the one this process uses.</summary>
        public string? StdCxxPath { get; set; }

        /// <summary>The files that were changed.</summary>
        [Output]
        public ITaskItem[] PatchedFiles { get; set; } = new ITaskItem[0];

        /// <inheritdoc />
        public override bool Execute()
        {
            string? stdcxx = string.IsNullOrEmpty(StdCxxPath) ? LoadedLibraries.FindStdCxx() : StdCxxPath;
            if (stdcxx == null)
            {
                Log.LogMessage(MessageImportance.Low, "Vigil: no libstdc++ found, so libLibTorchSharp.so is left as it is.");
                return true;
            }
            try
            {
                if (LoadedLibraries.DefinesVersion(stdcxx, LibTorchSharpFix.MissingVersion))
                {
                    Log.LogMessage(MessageImportance.Low, $"Vigil: {stdcxx} provides {LibTorchSharpFix.MissingVersion}; libLibTorchSharp.so needs no patch.");
                    return true;
                }
                if (!LoadedLibraries.DefinesVersion(stdcxx, LibTorchSharpFix.ReplacementVersion))
                {
                    Log.LogWarning(null, "VIGIL002", null, stdcxx, 0, 0, 0, 0,
                        $"{stdcxx} lacks {LibTorchSharpFix.ReplacementVersion} too; TorchSharp cannot load on this system, and the patch would not help. Install GCC 12 or newer's libstdc++.");
                    return true;
                }
            }
            catch (Exception e) when (e is ElfFormatException || e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogWarning(null, "VIGIL002", null, stdcxx, 0, 0, 0, 0, $"could not read the version table of {stdcxx} ({e.Message}); libLibTorchSharp.so is left as it is.");
                return true;
            }

            var patched = new List<ITaskItem>();
            foreach (ITaskItem item in Files)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path))
                {
                    // Copy steps put it there; the one known way it goes missing is a single-file bundle.
                    Log.LogWarning(null, "VIGIL003", null, path, 0, 0, 0, 0,
                        $"{path} was expected but is not there, so it was not patched; if it went into a single-file bundle (IncludeNativeLibrariesForSelfExtract), the bundled copy will not load here.");
                    continue;
                }
                try
                {
                    LibTorchSharpFileResult result = LibTorchSharpFix.PatchFile(path);
                    if (result.Changed)
                    {
                        patched.Add(item);
                        Log.LogMessage(MessageImportance.High,
                            $"Vigil: patched {path}: it {result.Summary}; now it asks for {LibTorchSharpFix.ReplacementVersion}, which {stdcxx} has (see docs/torchsharp-on-debian.md).");
                    }
                    else
                    {
                        Log.LogMessage(MessageImportance.Low, $"Vigil: {path}: {result.Summary}.");
                    }
                }
                catch (Exception e) when (e is ElfFormatException || e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogError(null, "VIGIL001", null, path, 0, 0, 0, 0,
                        $"cannot patch libLibTorchSharp.so for {stdcxx}, which lacks {LibTorchSharpFix.MissingVersion}: {e.Message}. TorchSharp will not load from this output; see docs/torchsharp-on-debian.md (set VigilPatchLibTorchSharp=false to skip this step).");
                }
            }
            PatchedFiles = patched.ToArray();
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
