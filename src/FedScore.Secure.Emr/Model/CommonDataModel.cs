namespace FedScore.Secure.Emr.Model;

/// <summary>What a variable measures; decides which unit conversions are meaningful.</summary>
public enum Quantity
{
    /// <summary>A count, score or percentage with one accepted unit (no conversion).</summary>
    Plain,

    /// <summary>Body temperature; canonical unit degC.</summary>
    Temperature,

    /// <summary>Blood glucose; canonical unit mg/dL (the AutoScore sample data are in mg/dL).</summary>
    Glucose,

    /// <summary>Serum creatinine; canonical unit mg/dL.</summary>
    Creatinine,

    /// <summary>Blood urea nitrogen; canonical unit mg/dL.</summary>
    UreaNitrogen,

    /// <summary>Haemoglobin mass concentration; canonical unit g/dL.</summary>
    Hemoglobin,
}

/// <summary>A closed interval [Min, Max] of physically plausible values in the canonical unit.</summary>
public sealed record PlausibleRange(double Min, double Max)
{
    public bool Contains(double value) => value >= Min && value <= Max;

    public override string ToString() => FormattableString.Invariant($"[{Min}, {Max}]");
}

/// <summary>One scoring variable of the common data model.</summary>
/// <param name="Name">Name as used by the scoring layer and in the demo data (e.g. "Vital_F").</param>
/// <param name="Meaning">Clinical meaning (from AutoScore's sample data, whose named variant lists them in this order).</param>
/// <param name="Column">Column name in the store (lower case, a compile-time constant: never user input).</param>
public sealed record CdmVariable(string Name, string Meaning, Quantity Quantity, string CanonicalUnit, PlausibleRange DefaultRange, string Column);

/// <summary>
/// The common data model every site maps its export to: the AutoScore variables (vitals, labs, age), the binary
/// outcome, the encounter id, an optional admission timestamp and the optional train/validate/test split.
/// Meanings follow AutoScore's named sample data (autoscore_sample_data_with_missing.csv lists heartrate_mean,
/// sysbp_mean, …, wbc_mean, Age in the same order as Vital_A…Lab_M, Age).
/// Default plausible ranges are deliberately wide: they reject impossible values (unit mix-ups, typing errors,
/// sentinels such as 9999), not abnormal ones — an abnormal value is exactly what a score must see. They accept every
/// value of the shared demo data (which is simulated: e.g. ages up to 132).
/// </summary>
public static class CommonDataModel
{
    private static readonly CdmVariable[] s_variables =
    [
        new("Vital_A", "heart rate (/min)", Quantity.Plain, "/min", new(0, 350), "vital_a"),
        new("Vital_B", "systolic blood pressure (mmHg)", Quantity.Plain, "mmHg", new(0, 350), "vital_b"),
        new("Vital_C", "diastolic blood pressure (mmHg)", Quantity.Plain, "mmHg", new(0, 300), "vital_c"),
        new("Vital_D", "mean arterial pressure (mmHg)", Quantity.Plain, "mmHg", new(0, 300), "vital_d"),
        new("Vital_E", "respiratory rate (/min)", Quantity.Plain, "/min", new(0, 120), "vital_e"),
        new("Vital_F", "body temperature", Quantity.Temperature, "degC", new(25, 45), "vital_f"),
        new("Vital_G", "SpO2 (%)", Quantity.Plain, "%", new(0, 100), "vital_g"),
        new("Lab_A", "glucose", Quantity.Glucose, "mg/dL", new(0, 2000), "lab_a"),
        new("Lab_B", "anion gap (mmol/L)", Quantity.Plain, "mmol/L", new(-20, 80), "lab_b"),
        new("Lab_C", "bicarbonate (mmol/L)", Quantity.Plain, "mmol/L", new(0, 80), "lab_c"),
        new("Lab_D", "creatinine", Quantity.Creatinine, "mg/dL", new(0, 40), "lab_d"),
        new("Lab_E", "chloride (mmol/L)", Quantity.Plain, "mmol/L", new(40, 200), "lab_e"),
        new("Lab_F", "haematocrit (%)", Quantity.Plain, "%", new(0, 100), "lab_f"),
        new("Lab_G", "haemoglobin", Quantity.Hemoglobin, "g/dL", new(0, 30), "lab_g"),
        new("Lab_H", "lactate (mmol/L)", Quantity.Plain, "mmol/L", new(0, 40), "lab_h"),
        new("Lab_I", "platelets (10^9/L)", Quantity.Plain, "10^9/L", new(0, 3000), "lab_i"),
        new("Lab_J", "potassium (mmol/L)", Quantity.Plain, "mmol/L", new(0.5, 15), "lab_j"),
        new("Lab_K", "blood urea nitrogen", Quantity.UreaNitrogen, "mg/dL", new(0, 400), "lab_k"),
        new("Lab_L", "sodium (mmol/L)", Quantity.Plain, "mmol/L", new(80, 220), "lab_l"),
        new("Lab_M", "white blood cells (10^9/L)", Quantity.Plain, "10^9/L", new(0, 1000), "lab_m"),
        new("Age", "age (years)", Quantity.Plain, "years", new(0, 150), "age"),
    ];

    private static readonly Dictionary<string, int> s_index =
        s_variables.Select((v, i) => (v.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);

    /// <summary>The variables in their fixed order (the order of columns in the store and in datasets read from it).</summary>
    public static IReadOnlyList<CdmVariable> Variables => s_variables;

    public static int VariableCount => s_variables.Length;

    /// <summary>Index of a variable by name (ordinal, case-sensitive), or -1.</summary>
    public static int IndexOf(string name) => s_index.TryGetValue(name, out var i) ? i : -1;

    public static CdmVariable Get(string name) =>
        s_index.TryGetValue(name, out var i)
            ? s_variables[i]
            : throw new KeyNotFoundException($"'{name}' is not a variable of the common data model (have: {string.Join(", ", s_variables.Select(v => v.Name))}).");

    /// <summary>The train/validate/test labels the store accepts, normalised to the scoring layer's spelling.</summary>
    public static string? NormaliseSplit(string label) => label.Trim().ToLowerInvariant() switch
    {
        "train" or "training" or "train_set" => "train",
        "validate" or "validation" or "validation_set" or "valid" => "validate",
        "test" or "test_set" => "test",
        _ => null,
    };
}
