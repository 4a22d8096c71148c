import Foundation
import HTTPTypes
import Hummingbird
import SSMLCore
import SSMLEngine

/// `GET /voices`, `GET /dialects` and `GET /healthz`: what a client picks from, and whether the server takes work.
struct CatalogRoutes: Sendable {
    let services: ServerServices

    /// The voice catalog, as `ssml voices --json` lists it; `locale` (a prefix) and `gender` filter it.
    func voices(_ request: Request, context: ServerRequestContext) async throws -> Response {
        var parameters = RequestParameters()
        try parameters.add(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        try parameters.check(known: ["locale", "gender"])
        let locale = try parameters.string("locale")?.lowercased()
        let gender = try parameters.choice("gender", VoiceGender.self, choices: VoiceGender.allCases.map(\.rawValue))
        let voices = services.render.engine.resolver.catalog.voices.filter { voice in
            (locale.map { voice.locale.lowercased().hasPrefix($0) } ?? true) && (gender.map { voice.gender == $0 } ?? true)
        }
        let listed: [JSONBody.Value] = voices.map { voice in
            .object([
                "name": .string(voice.name), "locale": .string(voice.locale), "gender": .string(voice.gender.rawValue),
                "espeak": .string(voice.espeak), "aliases": .array(voice.aliases.map { .string($0) }),
            ])
        }
        return JSONBody.response(body: ["count": .int(listed.count), "voices": .array(listed)], headers: [.cacheControl: "max-age=3600"])
    }

    /// The dialects `render` and `lint` take, with the service each stands for.
    func dialects(_ request: Request, context: ServerRequestContext) async throws -> Response {
        var listed: [JSONBody.Value] = []
        for name in Dialect.names {
            let dialect: Dialect
            do { dialect = try services.render.engine.dialect(name) } catch let error as SSMLError { throw APIError(error) }
            listed.append(.object(["name": .string(name), "service": .string(dialect.title)]))
        }
        return JSONBody.response(body: ["dialects": .array(listed)], headers: [.cacheControl: "max-age=3600"])
    }

    /// Liveness and load, for load balancers and people: 200 while the server takes renders.
    func health(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let render = services.render
        let load = render.queue.load
        let body: [String: JSONBody.Value] = [
            "status": .string("ok"),
            "workers": .int(render.pool.size),
            "running": .int(load.running),
            "waiting": .int(load.waiting),
            "queueLength": .int(render.queue.capacity),
            "engine": .string(render.engine.synthesizer.version),
            "tool": .string(SSMLVersion.tool),
        ]
        return JSONBody.response(body: body, headers: [.cacheControl: "no-store"])
    }
}
