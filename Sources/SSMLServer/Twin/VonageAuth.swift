import CryptoExtras
import Foundation

/// Checks the bearer JWT of a Vonage request: any non-empty token by default; with the application's public key, an RS256
/// token signed by its private key, not expired and already valid (`exp`, `nbf`, 30 s of leeway).
struct VonageAuth: Sendable {
    let key: _RSA.Signing.PublicKey?

    /// - Parameter publicKey: the PEM text of the key (`--vonage-public-key`); nil takes any token.
    init(publicKey: String?) throws {
        key = try publicKey.map { try _RSA.Signing.PublicKey(pemRepresentation: $0) }
    }

    /// Why the `Authorization` header does not authorise the request, or nil when it does.
    func problem(authorization: String?, now: Date = Date()) -> String? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            return "no bearer token: send Authorization: Bearer <JWT> (a JWT signed with your application's private key)"
        }
        let token = authorization.dropFirst(7).trimmingWhitespace()
        guard !token.isEmpty else { return "the bearer token is empty" }
        guard let key else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.decode(parts[0]), let claims = Self.decode(parts[1]),
            let headerJSON = (try? JSONSerialization.jsonObject(with: header)) as? [String: Any],
            let claimsJSON = (try? JSONSerialization.jsonObject(with: claims)) as? [String: Any]
        else { return "the bearer token is not a JWT (three base64url parts: header, claims, signature)" }
        guard headerJSON["alg"] as? String == "RS256" else { return "the JWT is signed with \(headerJSON["alg"] ?? "no algorithm"); Vonage JWTs are RS256" }
        guard let signature = Self.decode(parts[2]),
            key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: Data("\(parts[0]).\(parts[1])".utf8), padding: .insecurePKCS1v1_5)
        else { return "the JWT's signature does not verify with the public key (--vonage-public-key)" }
        let time = now.timeIntervalSince1970
        if let exp = (claimsJSON["exp"] as? NSNumber)?.doubleValue, exp + 30 < time { return "the JWT expired at \(Date(timeIntervalSince1970: exp))" }
        if let nbf = (claimsJSON["nbf"] as? NSNumber)?.doubleValue, nbf - 30 > time { return "the JWT is not valid before \(Date(timeIntervalSince1970: nbf))" }
        return nil
    }

    /// base64url without padding, as JWTs write it.
    static func decode(_ part: Substring) -> Data? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text)
    }
}
