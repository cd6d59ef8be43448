using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace FedScore.Secure.Cli.Bench;

/// <summary>The machine and build the numbers were measured on; results without it cannot be compared.</summary>
public sealed record MachineInfo(
    string Cpu,
    int LogicalCores,
    long MemoryBytes,
    string OperatingSystem,
    string Runtime,
    string Build,
    string Instructions,
    string? GitCommit,
    DateTimeOffset Date)
{
    public static MachineInfo Describe() => new(
        CpuModel(),
        Environment.ProcessorCount,
        TotalMemory(),
        RuntimeInformation.OSDescription,
        $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)",
        IsOptimized() ? "Release (optimized)" : "Debug (NOT optimized: timings are not representative)",
        DetectInstructions(),
        DetectGitCommit(),
        DateTimeOffset.Now);

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null && line.IndexOf(':') is int i and >= 0)
            {
                return line[(i + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static long TotalMemory()
    {
        try
        {
            string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line["MemTotal:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), out long kb))
            {
                return kb * 1024;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    /// <summary>The vector and crypto instructions the kernels pick their paths by (AES-NI for the mask PRG, AVX for NTT).</summary>
    private static string DetectInstructions()
    {
        var flags = new List<string>();
        if (System.Runtime.Intrinsics.X86.Aes.IsSupported)
        {
            flags.Add("AES-NI");
        }

        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            flags.Add("AVX2");
        }

        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            flags.Add("AVX-512F");
        }

        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)
        {
            flags.Add("AdvSIMD");
        }

        flags.Add($"Vector<byte> {System.Numerics.Vector<byte>.Count * 8} bits");
        return string.Join(", ", flags);
    }

    private static bool IsOptimized()
    {
        var debuggable = typeof(MachineInfo).Assembly.GetCustomAttribute<DebuggableAttribute>();
        return debuggable is null || !debuggable.IsJITOptimizerDisabled;
    }

    /// <summary>The commit of the working directory's repository (read-only `git rev-parse`), marked when files differ.</summary>
    private static string? DetectGitCommit()
    {
        string? head = Git("rev-parse --short=12 HEAD");
        if (head is null)
        {
            return null;
        }

        string? status = Git("status --porcelain --untracked-files=no");
        return string.IsNullOrWhiteSpace(status) ? head : $"{head} (with uncommitted changes)";
    }

    private static string? Git(string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            string output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(5000) || process.ExitCode != 0)
            {
                return null;
            }

            return output.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
