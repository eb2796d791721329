using ContentPlatform.Generation.ModelAccess;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace ContentPlatform.Generation.WebsiteAnalysis;

public sealed record FetchedPage(Uri Url, string? MediaType, string? Charset, byte[] Body, DateTime FetchedAt);

// Fetches one web page for analysis: http(s) only, at most MaxRedirects redirects (each hop connects through
// SafeConnection's checks), a body of at most MaxResponseBytes counted while it streams, and one time limit for all of it.
public sealed partial class WebsiteFetcher(
    HttpClient http, IOptions<WebsiteAnalysisOptions> options, TimeProvider time, ILogger<WebsiteFetcher> logger)
{
    private static readonly string[] PageMediaTypes = ["text/html", "application/xhtml+xml", "text/plain"];

    public async Task<FetchedPage> FetchAsync(string url, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var uri = ParseWebUrl(url)
            ?? throw new WebsiteFetchException("The website address must be an absolute http or https URL", GenerationErrorCodes.InvalidUrl);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.FetchTimeout);
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.1");
                request.Headers.UserAgent.ParseAdd("ContentPlatform-WebsiteAnalysis/1.0");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);

                if (IsRedirect(response.StatusCode))
                {
                    uri = NextHop(uri, response, redirects, settings.MaxRedirects);
                    LogRedirect(logger, uri);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw new WebsiteFetchException($"Website returned HTTP {(int)response.StatusCode}", GenerationErrorCodes.HttpError);
                }

                var contentType = response.Content.Headers.ContentType;
                if (contentType?.MediaType is { } mediaType && !PageMediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
                {
                    throw new WebsiteFetchException($"Website did not return a web page (it returned {mediaType})", GenerationErrorCodes.NotHtml);
                }
                var body = await ReadBodyAsync(response.Content, settings.MaxResponseBytes, deadline.Token);
                return new FetchedPage(uri, contentType?.MediaType, contentType?.CharSet, body, time.GetUtcNow().UtcDateTime);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(settings);
        }
        catch (TimeoutRejectedException)
        {
            throw TimedOut(settings);
        }
        catch (HttpRequestException exception) when (exception.InnerException is WebsiteFetchException refusal)
        {
            throw new WebsiteFetchException(refusal.Message, refusal.ErrorCode, exception);
        }
        catch (HttpRequestException exception)
        {
            LogUnreachable(logger, uri, exception.Message);
            throw new WebsiteFetchException("Could not connect to the website", GenerationErrorCodes.Unreachable, exception);
        }
    }

    // Null unless url is an absolute http or https URL with a host.
    public static Uri? ParseWebUrl(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host)
            ? uri
            : null;

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static Uri NextHop(Uri current, HttpResponseMessage response, int redirects, int maxRedirects)
    {
        if (redirects >= maxRedirects)
        {
            throw new WebsiteFetchException($"Website redirected more than {maxRedirects} times", GenerationErrorCodes.TooManyRedirects);
        }
        var location = response.Headers.Location
            ?? throw new WebsiteFetchException($"Website returned HTTP {(int)response.StatusCode} without a Location", GenerationErrorCodes.HttpError);
        var next = location.IsAbsoluteUri ? location : new Uri(current, location);
        return ParseWebUrl(next.AbsoluteUri)
            ?? throw new WebsiteFetchException("Website redirected to an address that is not http or https", GenerationErrorCodes.InvalidUrl);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream();
        var buffer = new byte[81_920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            // Checked per chunk, so a server that lies about (or omits) Content-Length still stops at the limit.
            if (body.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }

    private static WebsiteFetchException TooLarge(long maxBytes) =>
        new($"Website response is larger than {FormatSize(maxBytes)}", GenerationErrorCodes.TooLarge);

    private static WebsiteFetchException TimedOut(WebsiteAnalysisOptions settings) =>
        new($"Website did not respond within {settings.FetchTimeout.TotalSeconds:0.#} seconds", GenerationErrorCodes.Timeout);

    private static string FormatSize(long bytes) => bytes % (1024 * 1024) == 0
        ? $"{bytes / (1024 * 1024)} MB"
        : bytes % 1024 == 0 ? $"{bytes / 1024} KB" : $"{bytes} bytes";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Following redirect to {Url}")]
    private static partial void LogRedirect(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not connect to {Url}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, Uri url, string reason);
}
