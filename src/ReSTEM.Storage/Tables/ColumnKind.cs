namespace ReSTEM.Storage.Tables;

/// <summary>The Parquet type a record field is written as.</summary>
public enum ColumnKind
{
    /// <summary>UTF-8 text.</summary>
    String,

    /// <summary>64-bit integer.</summary>
    Int64,

    /// <summary>64-bit float.</summary>
    Double,

    /// <summary>32-bit float.</summary>
    Float,

    /// <summary>Boolean.</summary>
    Boolean,

    /// <summary>Lists and objects: written as their JSON text.</summary>
    Json,
}
