namespace FedScore.Secure.Cli.Bench;

/// <summary>
/// Peak growth of the managed heap while a measured run executes: a background thread samples
/// <see cref="GC.GetTotalMemory(bool)"/> (without forcing a collection) every millisecond, against a baseline taken
/// after a full collection. It covers the whole simulation (server and every site share this process), so it is an
/// upper bound on the server's own memory. Bytes allocated (<see cref="GC.GetTotalAllocatedBytes(bool)"/>) are
/// reported alongside: they show allocation pressure even when the GC keeps the peak low.
/// </summary>
internal sealed class PeakMemorySampler : IDisposable
{
    private readonly long _baseline;
    private readonly long _allocatedAtStart;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    private PeakMemorySampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _baseline = GC.GetTotalMemory(forceFullCollection: true);
        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        _peak = _baseline;
        _thread = new Thread(Sample) { IsBackground = true, Name = "bench-memory-sampler", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public static PeakMemorySampler Start() => new();

    /// <summary>Stops sampling; returns (peak heap growth, bytes allocated) since the start.</summary>
    public (long PeakGrowthBytes, long AllocatedBytes) Stop()
    {
        _stop = true;
        _thread.Join();
        long now = GC.GetTotalMemory(forceFullCollection: false);
        long peak = Math.Max(Interlocked.Read(ref _peak), now);
        return (Math.Max(0, peak - _baseline), GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart);
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Sample()
    {
        while (!_stop)
        {
            long now = GC.GetTotalMemory(forceFullCollection: false);
            if (now > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, now);
            }

            Thread.Sleep(1);
        }
    }
}
