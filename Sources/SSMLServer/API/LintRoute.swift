import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SSMLCore
import SSMLEngine

/// `POST /lint`: what a service would reject or read differently, as `ssml lint --format json` reports it, with
/// each fix's edits so that a client can apply one; `fix` returns the document with every safe fix applied.
struct LintRoute: Sendable {
    let services: ServerServices
    /// Lints run on threads of their own (a large document takes a while); this bounds how many at once.
    let limiter: RenderQueue

    static let fields = ["input", "dialect", "fix", "name"]

    func handle(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let configuration = services.configuration
        let engine = services.render.engine
        let body = try await RequestInput.body(of: request, limit: configuration.maxBodyBytes, timeout: .seconds(configuration.bodyTimeout))
        var parameters = RequestParameters()
        try parameters.add(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        let limit = engine.limits.maxInputBytes
        var text: String?
        switch try RequestInput.media(of: request, accepted: "application/ssml+xml (or application/xml, text/plain) with the SSML, or application/json") {
        case .text:
            if body.readableBytes > 0 { text = try RequestInput.text(body, name: "input", limit: limit) }
        case .json:
            let json = try RequestInput.text(body, name: "body", limit: .max)
            let document: JSONValue
            do { document = try JSONParser.parse(json, file: "body") } catch {
                throw APIError(.badRequest, kind: "malformed-json", "the body is not valid JSON: \((error as? SSMLError)?.message ?? "\(error)")", field: "body", location: (error as? SSMLError)?.location)
            }
            guard case .object(let members) = document.kind else {
                throw APIError(.badRequest, kind: "malformed-request", "the JSON body must be an object of fields, not \(document.typeName)", field: "body")
            }
            try parameters.add(json: members)
            text = try parameters.string("input")
        }
        if text == nil, case .query(let value)? = parameters.raw("input") { text = value }
        try parameters.check(known: Self.fields)
        guard let text else {
            throw APIError(.badRequest, kind: "missing-input", "the request has no input: send the SSML as the body, or a JSON object with an input field", field: "input")
        }
        guard text.utf8.count <= limit else {
            throw APIError(.contentTooLarge, kind: "payload-too-large", "the input may have at most \(limit) bytes; this one has \(text.utf8.count)", field: "input")
        }
        guard let dialectName = try parameters.string("dialect") else {
            throw APIError(.badRequest, kind: "missing-field", "dialect is required (one of \(Dialect.names.joined(separator: ", ")))", field: "dialect")
        }
        guard Dialect.names.contains(dialectName) else {
            throw APIError(.badRequest, kind: "invalid-value", "dialect \"\(dialectName)\" is not one of \(Dialect.names.joined(separator: ", "))", field: "dialect")
        }
        let dialect: Dialect
        do { dialect = try engine.dialect(dialectName) } catch let error as SSMLError { throw APIError(error) }
        let name = try parameters.string("name") ?? "input"
        let fix = try parameters.bool("fix") ?? false
        let linter = Linter(dialect: dialect, parser: engine.parser, catalog: engine.resolver.catalog)

        let report: [String: JSONBody.Value]
        do {
            report = try await limiter.withSlot {
                try await RenderService.onOwnThread(cancellation: RenderWorkerPool.Cancellation()) {
                    Self.report(text, name: name, linter: linter, fix: fix)
                }
            }
        } catch let full as RenderQueue.Full {
            throw APIError(.serviceUnavailable, kind: "queue-full", "the server is linting too many documents; try again in \(full.retryAfter) s", headers: [.retryAfter: "\(full.retryAfter)"])
        }
        return JSONBody.response(body: report, headers: [.cacheControl: "no-store"])
    }

    /// The report: counts, and every finding with its place, rule, source and fix.
    static func report(_ text: String, name: String, linter: Linter, fix: Bool) -> [String: JSONBody.Value] {
        var findings: [LintFinding]
        var body: [String: JSONBody.Value] = [:]
        if fix {
            let result = LintFixer.fix(text, file: name, linter: linter)
            findings = result.remaining
            body["fixed"] = .string(result.fixed)
            body["changed"] = .bool(result.changed)
            body["applied"] = .array(result.notes.map { .string($0.message) })
            body["diff"] = .string(UnifiedDiff.make(result.original, result.fixed, oldName: "a/\(name)", newName: "b/\(name)"))
        } else {
            findings = linter.lint(text, file: name)
        }
        let dialect = linter.dialect
        func count(_ severity: Diagnostic.Severity) -> Int { findings.filter { $0.severity == severity }.count }
        body["dialect"] = .string(dialect.name)
        body["service"] = .string(dialect.title)
        body["errors"] = .int(count(.error))
        body["warnings"] = .int(count(.warning))
        body["notes"] = .int(count(.note))
        body["findings"] = .array(findings.map(Self.finding))
        return body
    }

    static func finding(_ finding: LintFinding) -> JSONBody.Value {
        var object: [String: JSONBody.Value] = [
            "severity": .string(finding.severity.rawValue), "rule": .string(finding.rule), "message": .string(finding.message),
            "line": .int(finding.location.line), "column": .int(finding.location.column),
        ]
        if let element = finding.location.element { object["element"] = .string(element) }
        if let attribute = finding.location.attribute { object["attribute"] = .string(attribute) }
        if let source = finding.source { object["source"] = .string(source) }
        if let fix = finding.fix {
            // Offsets count UTF-8 bytes of the input, as the library's edits do; `applies` says whether `fix`
            // would apply it (a drop fixes only an error).
            object["fix"] = .object([
                "kind": .string(fix.kind == .safe ? "safe" : "drop"),
                "description": .string(fix.description),
                "applies": .bool(fix.kind == .safe || finding.severity == .error),
                "edits": .array(
                    fix.edits.map { edit in
                        .object(["start": .int(edit.range.lowerBound), "end": .int(edit.range.upperBound), "replacement": .string(edit.replacement)])
                    }),
            ])
        }
        return .object(object)
    }
}
