import CanCuocChip
import Foundation

/// What the server needs to personalise batches itself (`serve --pki` with the PKI passphrase in
/// CANCUOC_PKI_PASSPHRASE): the Document Signer's folder and passphrase, and where batch folders are written.
/// Without it, batches are personalised with `cancuoc batches run` on the production machine.
public struct BatchProduction: Sendable {
    public let pki: PKIDirectory
    public let passphrase: String
    public let exportFolder: URL

    public init(pki: PKIDirectory, passphrase: String, exportFolder: URL) {
        self.pki = pki
        self.passphrase = passphrase
        self.exportFolder = exportFolder
    }
}
