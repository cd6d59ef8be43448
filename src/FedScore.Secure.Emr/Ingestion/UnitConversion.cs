using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.Ingestion;

/// <summary>A linear conversion to the canonical unit: canonical = value × Scale + Offset.</summary>
public sealed record UnitConversion(string FromUnit, string ToUnit, double Scale, double Offset)
{
    public double Apply(double value) => value * Scale + Offset;

    public bool IsIdentity => Scale == 1 && Offset == 0;

    /// <summary>
    /// The conversion from <paramref name="unit"/> to the canonical unit of <paramref name="variable"/>, or null when
    /// the unit is not known for that quantity. A null or empty unit means "already canonical".
    /// Factors (mass concentration ↔ substance concentration use the molar mass M: 1 mmol/L = M mg/L = M/10 mg/dL):
    /// <list type="bullet">
    /// <item>Temperature: °C = (°F − 32) × 5/9 (definition of the Fahrenheit scale); °C = K − 273.15 (SI brochure, 9th ed., §2.3.1).</item>
    /// <item>Glucose C6H12O6, M = 180.156 g/mol: 1 mmol/L = 18.0156 mg/dL (the usual clinical factor 18).</item>
    /// <item>Creatinine C4H7N3O, M = 113.12 g/mol: 1 mg/dL = 88.40 µmol/L (the usual clinical factor 88.4).</item>
    /// <item>Urea nitrogen: urea carries two N atoms, 2 × 14.007 = 28.014 g/mol: 1 mmol/L urea = 2.8014 mg/dL BUN.</item>
    /// <item>Haemoglobin: 1 g/L = 0.1 g/dL; per haem-bearing monomer M = 16 114.5 g/mol: 1 mmol/L = 1.61145 g/dL.</item>
    /// </list>
    /// Atomic weights: IUPAC standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999).
    /// </summary>
    public static UnitConversion? ToCanonical(CdmVariable variable, string? unit)
    {
        var canonical = variable.CanonicalUnit;
        if (string.IsNullOrWhiteSpace(unit) || Normalise(unit) == Normalise(canonical))
        {
            return new UnitConversion(canonical, canonical, 1, 0);
        }

        var u = Normalise(unit);
        (double Scale, double Offset)? f = variable.Quantity switch
        {
            Quantity.Temperature => u switch
            {
                "c" or "degc" or "celsius" => (1, 0),
                "f" or "degf" or "fahrenheit" => (5.0 / 9.0, -32.0 * 5.0 / 9.0),
                "k" or "kelvin" => (1, -273.15),
                _ => null,
            },
            Quantity.Glucose => u switch
            {
                "mmol/l" => (GlucoseMolarMass / 10, 0),
                "mg/l" => (0.1, 0),
                "g/l" => (100, 0),
                _ => null,
            },
            Quantity.Creatinine => u switch
            {
                "umol/l" => (CreatinineMolarMass / 10_000, 0),
                "mmol/l" => (CreatinineMolarMass / 10, 0),
                "mg/l" => (0.1, 0),
                _ => null,
            },
            Quantity.UreaNitrogen => u switch
            {
                "mmol/l" => (UreaNitrogenMolarMass / 10, 0),
                "mg/l" => (0.1, 0),
                _ => null,
            },
            Quantity.Hemoglobin => u switch
            {
                "g/l" => (0.1, 0),
                "mmol/l" => (HemoglobinMonomerMolarMass / 10_000, 0),
                _ => null,
            },
            _ => null,
        };
        return f is { } s ? new UnitConversion(unit.Trim(), canonical, s.Scale, s.Offset) : null;
    }

    /// <summary>g/mol, C6H12O6 from IUPAC standard atomic weights.</summary>
    internal const double GlucoseMolarMass = 180.156;

    /// <summary>g/mol, C4H7N3O.</summary>
    internal const double CreatinineMolarMass = 113.12;

    /// <summary>g/mol of the two nitrogen atoms of urea (BUN is reported as nitrogen mass).</summary>
    internal const double UreaNitrogenMolarMass = 28.014;

    /// <summary>g/mol of one haemoglobin subunit (tetramer 64 458 g/mol ÷ 4).</summary>
    internal const double HemoglobinMonomerMolarMass = 16_114.5;

    private static string Normalise(string unit) =>
        unit.Trim().ToLowerInvariant().Replace("µ", "u", StringComparison.Ordinal).Replace("μ", "u", StringComparison.Ordinal)
            .Replace("°", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
}
