using System.Diagnostics;

namespace FedScore.Secure.Cli.Bench.Network;

/// <summary>
/// Peak memory and CPU of this process while a measured round runs: a background thread samples the resident set
/// (VmRSS from /proc/self/status, Linux) and the managed heap every few milliseconds; CPU is the process's user +
/// system time between start and stop. When the sites run in this process too, both cover server and sites.
/// </summary>
internal sealed class ResourceSampler : IDisposable
{
    private readonly Thread _thread;
    private readonly TimeSpan _cpuAtStart;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile bool _stop;
    private long _peakRss;
    private long _peakManaged;

    private ResourceSampler()
    {
        BaselineRssBytes = CurrentRssBytes() ?? 0;
        BaselineManagedBytes = GC.GetTotalMemory(forceFullCollection: false);
        _peakRss = BaselineRssBytes;
        _peakManaged = BaselineManagedBytes;
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        _thread = new Thread(Sample) { IsBackground = true, Name = "bench-network-sampler", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public long BaselineRssBytes { get; }

    public long BaselineManagedBytes { get; }

    public static ResourceSampler Start() => new();

    public ResourceUse Stop()
    {
        _stop = true;
        _thread.Join();
        SampleOnce();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        return new ResourceUse(cpu.TotalMilliseconds, _clock.Elapsed.TotalMilliseconds, Interlocked.Read(ref _peakRss), BaselineRssBytes,
            Interlocked.Read(ref _peakManaged), BaselineManagedBytes);
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    /// <summary>The resident set of this process, or null where /proc is not available.</summary>
    public static long? CurrentRssBytes() => ReadStatusKb("VmRSS:") * 1024;

    /// <summary>The peak resident set of this process over its whole life (VmHWM), or null where /proc is not available.</summary>
    public static long? LifetimePeakRssBytes() => ReadStatusKb("VmHWM:") * 1024;

    private static long? ReadStatusKb(string field)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal)
                    && long.TryParse(line[field.Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), out long kb))
                {
                    return kb;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private void Sample()
    {
        while (!_stop)
        {
            SampleOnce();
            Thread.Sleep(5);
        }
    }

    private void SampleOnce()
    {
        if (CurrentRssBytes() is long rss && rss > Interlocked.Read(ref _peakRss))
        {
            Interlocked.Exchange(ref _peakRss, rss);
        }

        long managed = GC.GetTotalMemory(forceFullCollection: false);
        if (managed > Interlocked.Read(ref _peakManaged))
        {
            Interlocked.Exchange(ref _peakManaged, managed);
        }
    }
}

/// <summary>CPU and memory of this process over a measured interval.</summary>
public sealed record ResourceUse(
    double CpuMillis, double WallMillis, long PeakRssBytes, long BaselineRssBytes, long PeakManagedBytes, long BaselineManagedBytes)
{
    /// <summary>Average cores busy over the interval (CPU time / wall time).</summary>
    public double CoresBusy => WallMillis > 0 ? CpuMillis / WallMillis : 0;
}
