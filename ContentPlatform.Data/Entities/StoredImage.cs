namespace ContentPlatform.Data.Entities;

// A generated image kept in PostgreSQL and served by the Api; rows are never changed, so it is cacheable forever.
public sealed class StoredImage
{
    public Guid Id { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Bytes { get; set; }
    // SHA-256 of Bytes: the same image is stored once.
    public required byte[] Sha256 { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public DateTime CreatedAt { get; set; }
}
