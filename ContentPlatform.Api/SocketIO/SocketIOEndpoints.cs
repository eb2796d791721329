namespace ContentPlatform.Api.SocketIO;

public static class SocketIOEndpoints
{
    public const string Path = "/socket.io";

    // A Socket.IO server whose main namespace THandler guards and serves.
    public static void AddSocketIO<THandler>(this IHostApplicationBuilder builder) where THandler : class, ISocketIOHandler
    {
        builder.Services.AddOptions<SocketIOOptions>().BindConfiguration(SocketIOOptions.Section);
        builder.Services.AddSingleton<ISocketIOHandler, THandler>();
        builder.Services.AddSingleton<EngineServer>();
    }

    // socket.io-client's default path, "/socket.io/", for both transports.
    public static RouteHandlerBuilder MapSocketIO(this WebApplication app)
    {
        app.UseWebSockets();
        return app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], HandleAsync)
            .WithTags("Events")
            .WithSummary("Socket.IO (Engine.IO v4, Socket.IO v5): HTTP long-polling and WebSocket; use socket.io-client")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain")
            .Produces(StatusCodes.Status400BadRequest, contentType: "application/json");
    }

    // A route handler (not a bare RequestDelegate) so the endpoint appears in the OpenAPI document.
    private static Task HandleAsync(HttpContext context, EngineServer server) => server.HandleAsync(context);
}
