using System.Numerics;
using System.Runtime.InteropServices;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Aggregation.Plain;

/// <summary>
/// The baseline: sites send w·x in clear (IEEE doubles) and the server adds them. No privacy; it exists so that every
/// secure scheme's cost and precision can be reported against it in the same run.
/// </summary>
public sealed class PlainAggregationScheme : IAggregationScheme
{
    public const string SchemeName = "plain";

    public string Name => SchemeName;

    public string ThreatModel => "none: the server sees every site's weighted vector in clear (baseline only)";

    public IReadOnlyList<ParticipantId> AuxiliaryParticipants(SessionConfig config) => [];

    public IAggregationServer CreateServer(SessionConfig config) => new PlainServer(config);

    public IAggregationParticipant CreateParticipant(ParticipantId id, SessionConfig config)
    {
        if (config.IndexOf(id) == 0)
        {
            throw new ArgumentException($"'{id}' is not a site of session {config.SessionId}", nameof(id));
        }

        return new PlainParticipant(id);
    }

    internal const byte UploadStage = 0;

    internal static string StageName(byte stage) => stage == UploadStage ? "upload" : $"unknown({stage})";

    private sealed class PlainServer : IAggregationServer
    {
        private readonly SessionConfig _config;
        private readonly HashSet<string> _usedRounds = new(StringComparer.Ordinal);
        private RoundSpec? _spec;
        private double[]? _sum;
        private readonly List<ParticipantId> _contributors = [];
        private readonly List<string> _violations = [];
        private double _sumAbs;

        public PlainServer(SessionConfig config) => _config = config;

        public AggregationResult? Result { get; private set; }

        public ServerOutbox BeginRound(RoundSpec spec)
        {
            if (_spec is not null && Result is null)
            {
                throw new InvalidOperationException($"round {_spec.RoundId} is still running");
            }

            if (!_usedRounds.Add(spec.RoundId))
            {
                throw new InvalidOperationException($"round id {spec.RoundId} was already used in this session");
            }

            _spec = spec;
            _sum = new double[spec.Length];
            _sumAbs = 0;
            _contributors.Clear();
            _violations.Clear();
            Result = null;

            var w = new WireWriter();
            new MessageHeader(SchemeName, spec.RoundId, UploadStage).WriteTo(w);
            w.WriteVarUInt((ulong)spec.Length);
            byte[] request = w.ToArray();
            return new ServerOutbox("upload", _config.Sites.ToDictionary(s => s, _ => request));
        }

        public void Receive(ParticipantId from, ReadOnlySpan<byte> reply)
        {
            RoundSpec spec = _spec ?? throw new InvalidOperationException("no round is running");
            if (Result is not null)
            {
                throw new ProtocolViolationException(from, "upload", "the round is already complete");
            }

            if (_config.IndexOf(from) == 0)
            {
                throw new ProtocolViolationException(from, "upload", "is not a site of this session");
            }

            if (_contributors.Contains(from))
            {
                throw new ProtocolViolationException(from, "upload", "sent a second upload in the same round (replay)");
            }

            try
            {
                var r = new WireReader(reply, $"plain upload from {from}");
                MessageHeader h = MessageHeader.Read(ref r, SchemeName);
                if (h.RoundId != spec.RoundId || h.Stage != UploadStage)
                {
                    throw new ProtocolViolationException(from, "upload", $"message is for round {h.RoundId} stage {h.Stage} (replayed or misrouted)");
                }

                int length = r.ReadLength("length", RoundSpec.MaxLength);
                if (length != spec.Length)
                {
                    throw new ProtocolViolationException(from, "upload", $"vector has {length} elements, expected {spec.Length}");
                }

                ReadOnlySpan<byte> raw = r.ReadRaw(checked(length * 8), "values");
                r.EnsureEnd();
                ReadOnlySpan<double> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(raw);
                if (!AllFinite(values))
                {
                    throw new ProtocolViolationException(from, "upload", "vector holds a non-finite value");
                }

                // Validated in full: only now fold it in.
                _sumAbs += AddInto(_sum, values);
                _contributors.Add(from);
            }
            catch (MalformedMessageException e)
            {
                _violations.Add(e.Message);
                throw new ProtocolViolationException(from, "upload", e.Message, e);
            }
            catch (ProtocolViolationException e)
            {
                _violations.Add(e.Message);
                throw;
            }
        }

        public ServerOutbox EndStage()
        {
            RoundSpec spec = _spec ?? throw new InvalidOperationException("no round is running");
            if (Result is not null)
            {
                return ServerOutbox.Completed("done");
            }

            var dropped = _config.Sites.Where(s => !_contributors.Contains(s)).ToList();
            if (_contributors.Count < _config.Threshold)
            {
                // The round is over (failed); the next BeginRound may start a new one.
                _spec = null;
                throw new AggregationFailedException(
                    $"round {spec.RoundId}: only {_contributors.Count} of {_config.Sites.Count} sites uploaded, threshold is {_config.Threshold}; missing: {string.Join(", ", dropped)}",
                    dropped);
            }

            // Floating-point summation error: at most (m−1)·2^-53 · Σ|x| for m summands, per element (bounded crudely by the total).
            double errorBound = _contributors.Count * Math.ScaleB(1.0, -52) * _sumAbs;
            Result = new AggregationResult(spec.RoundId, _sum!, _contributors.Order().ToArray(), dropped, errorBound)
            {
                Violations = _violations.ToArray(),
            };
            return ServerOutbox.Completed("done");
        }
    }

    /// <summary>x − x is 0 for every finite x and NaN for ±∞ and NaN, so one vector compare checks a block.</summary>
    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<double>> blocks = MemoryMarshal.Cast<double, Vector<double>>(values);
            foreach (Vector<double> v in blocks)
            {
                if (!Vector.EqualsAll(v - v, Vector<double>.Zero))
                {
                    return false;
                }
            }

            i = blocks.Length * Vector<double>.Count;
        }

        for (; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>sum += values; returns Σ|values| (for the floating-point error bound).</summary>
    private static double AddInto(Span<double> sum, ReadOnlySpan<double> values)
    {
        int i = 0;
        var absAcc = Vector<double>.Zero;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<double>> s = MemoryMarshal.Cast<double, Vector<double>>(sum);
            ReadOnlySpan<Vector<double>> v = MemoryMarshal.Cast<double, Vector<double>>(values);
            for (int k = 0; k < v.Length; k++)
            {
                s[k] += v[k];
                absAcc += Vector.Abs(v[k]);
            }

            i = v.Length * Vector<double>.Count;
        }

        double abs = Vector.Sum(absAcc);
        for (; i < values.Length; i++)
        {
            sum[i] += values[i];
            abs += Math.Abs(values[i]);
        }

        return abs;
    }

    private sealed class PlainParticipant : IAggregationParticipant
    {
        private readonly Dictionary<string, (ReadOnlyMemory<double> Values, double Weight)> _inputs = new(StringComparer.Ordinal);
        private readonly HashSet<string> _answered = new(StringComparer.Ordinal);

        public PlainParticipant(ParticipantId id) => Id = id;

        public ParticipantId Id { get; }

        public void SetInput(string roundId, ReadOnlyMemory<double> values, double weight = 1)
        {
            if (!double.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(weight), "weight must be finite and non-negative");
            }

            _inputs[roundId] = (values, weight);
        }

        public byte[] Handle(ReadOnlySpan<byte> message)
        {
            var r = new WireReader(message, $"plain request to {Id}");
            MessageHeader h = MessageHeader.Read(ref r, SchemeName);
            if (h.Stage != UploadStage)
            {
                throw new ProtocolViolationException(null, StageName(h.Stage), $"{Id} expected stage upload");
            }

            int length = r.ReadLength("length", RoundSpec.MaxLength);
            r.EnsureEnd();
            if (!_answered.Add(h.RoundId))
            {
                throw new ProtocolViolationException(null, "upload", $"{Id} already answered round {h.RoundId} (replayed request)");
            }

            if (!_inputs.Remove(h.RoundId, out var input))
            {
                throw new ProtocolViolationException(null, "upload", $"{Id} has no input for round {h.RoundId}");
            }

            if (input.Values.Length != length)
            {
                throw new ProtocolViolationException(null, "upload", $"{Id} has {input.Values.Length} values, the round expects {length}");
            }

            var w = new WireWriter(32 + length * 8);
            new MessageHeader(SchemeName, h.RoundId, UploadStage).WriteTo(w);
            w.WriteVarUInt((ulong)length);
            Span<double> dst = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(w.Reserve(length * 8));
            ReadOnlySpan<double> src = input.Values.Span;
            for (int i = 0; i < length; i++)
            {
                dst[i] = src[i] * input.Weight;
            }

            return w.ToArray();
        }

        public void Dispose()
        {
            _inputs.Clear();
        }
    }
}
