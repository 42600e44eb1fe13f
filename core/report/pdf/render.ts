/**
 * Renders a pdfmake document definition to PDF bytes, server-side, with the Roboto
 * fonts pdfmake ships (embedded in the PDF, so the document looks the same everywhere)
 * and Courier, a PDF standard font, for hashes. pdfmake may read only those font files
 * and no URL: a document definition can never make it fetch or read anything else.
 */
import path from 'node:path';
import { createRequire } from 'node:module';

interface PdfMakeOutput {
  getBuffer(): Promise<Buffer>;
}

interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (file: string) => boolean): void;
  createPdf(doc: object, options?: object): PdfMakeOutput;
}

const STANDARD_FONTS = new Set(['Courier', 'Courier-Bold', 'Courier-Oblique', 'Courier-BoldOblique']);
let configured: PdfMake | undefined;

function pdfmake(): PdfMake {
  if (configured) return configured;
  const req = createRequire(__filename);
  const pm = req('pdfmake') as PdfMake;
  const fontDir = path.join(path.dirname(req.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
  pm.setFonts({
    Roboto: {
      normal: path.join(fontDir, 'Roboto-Regular.ttf'),
      bold: path.join(fontDir, 'Roboto-Medium.ttf'),
      italics: path.join(fontDir, 'Roboto-Italic.ttf'),
      bolditalics: path.join(fontDir, 'Roboto-MediumItalic.ttf'),
    },
    Courier: { normal: 'Courier', bold: 'Courier-Bold', italics: 'Courier-Oblique', bolditalics: 'Courier-BoldOblique' },
  });
  pm.setUrlAccessPolicy(() => false);
  // Standard-font names reach the same policy as file paths; pdfkit resolves them itself.
  pm.setLocalAccessPolicy((file) => STANDARD_FONTS.has(file) || path.resolve(file).startsWith(fontDir + path.sep));
  configured = pm;
  return pm;
}

export async function renderPdf(doc: object): Promise<Buffer> {
  return pdfmake().createPdf(doc).getBuffer();
}
