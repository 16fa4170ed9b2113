// An applicant asks for sick leave on a phone and attaches a photo of the diagnosis (offered
// the camera) and a scanned employer's letter as PDF; a file that is neither is refused in
// Chinese and removed, a photo replaced. The class teacher then previews both in the task.
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import { openAs, PHONE_CONTEXT, shoot, fillLeaveDates } from "./helpers";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "fixtures", "attachments");
const PDF = readFileSync(join(FIXTURES, "diagnosis.pdf"));

/** A 240×180 PNG "photo" (a gradient), made here so the thumbnail shows something. */
function photo(): Buffer {
  const width = 240, height = 180;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([40 + (x * 200) / width, 90 + (y * 120) / height, 200], 1 + x * 3);
    rows.push(row);
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (data: Buffer) => {
    let c = 0xffffffff;
    for (const byte of data) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, tail]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

test("sick leave with a photo and a PDF attached on a phone; the teacher previews both", async ({ browser }) => {
  const applicant = await openAs(browser, "xiaoming", PHONE_CONTEXT, [415]);
  const a = applicant.page;
  await a.getByRole("link", { name: "填写申请：请假审批" }).click();
  await a.getByLabel("请假类型").selectOption({ label: "病假" });
  await fillLeaveDates(a, 1);
  await a.getByLabel("请假事由").fill("发烧，需到医院就诊");
  const key = await a.getByLabel("申报编号").inputValue();

  const field = a.getByTestId("attachments-proof");
  await expect(field.getByRole("group").or(field)).toContainText("证明材料");
  await expect(field).toContainText("可上传 PDF、JPEG、PNG、OFD");
  // On a phone the camera is one tap away: an image input that asks for the rear camera.
  const camera = a.getByTestId("attachments-proof-camera");
  await expect(camera).toHaveAttribute("capture", "environment");
  await expect(camera).toHaveAttribute("accept", "image/*");
  await expect(a.getByLabel("拍照")).toBeAttached();

  await camera.setInputFiles({ name: "诊断书.png", mimeType: "image/png", buffer: photo() });
  const chooser = a.getByTestId("attachments-proof-input");
  await chooser.setInputFiles([
    { name: "单位证明.pdf", mimeType: "application/pdf", buffer: PDF },
    { name: "病历.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ this is a program, not a PDF") },
  ]);
  const items = field.getByTestId("attachment-item");
  await expect(items).toHaveCount(3);
  await expect(items.nth(2).getByRole("alert")).toContainText("只接受 PDF");
  await a.getByRole("button", { name: "移除 病历.pdf" }).click();
  await expect(items).toHaveCount(2);
  // Replace the photo with a new one.
  await a.getByRole("button", { name: "替换 诊断书.png" }).click();
  await chooser.setInputFiles({ name: "诊断书（重拍）.png", mimeType: "image/png", buffer: photo() });
  await expect(items.first()).toContainText("诊断书（重拍）.png");
  await expect(items.first().getByRole("img", { name: "诊断书（重拍）.png 的缩略图" })).toBeVisible();
  await expect(items.nth(1).locator("iframe[title='单位证明.pdf（PDF 预览）']")).toBeVisible();
  await expect(field.getByRole("progressbar")).toHaveCount(0);
  await shoot(a, "20-attachments", undefined, false);
  await a.getByRole("button", { name: "提交申请" }).click();
  await expect(a).toHaveURL(/\/cases\/\d+$/);
  await expect(a.getByTestId("case-attachments")).toContainText("附件（2）");

  const teacher = await openAs(browser, "zhang", PHONE_CONTEXT);
  const z = teacher.page;
  await z.getByRole("link", { name: `办理 班主任审批（${key}）` }).click();
  const attached = z.getByTestId("case-attachments");
  await expect(attached.getByTestId("case-attachment")).toHaveCount(2);
  const thumbnail = attached.getByRole("img", { name: "诊断书（重拍）.png 的缩略图" });
  await expect(thumbnail).toBeVisible();
  expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(240);
  const frame = attached.locator("iframe[title='单位证明.pdf（PDF 预览）']");
  await expect(frame).toBeVisible();
  // The frame shows the PDF itself: a blob: URL of the downloaded bytes, in the PDF viewer.
  const source = await frame.getAttribute("src");
  expect(source).toMatch(/^blob:/);
  const shown = await (await frame.elementHandle())?.contentFrame();
  expect(shown?.url()).toBe(source); // loaded, not blocked (a blocked frame shows an error page)

  applicant.assertCleanConsole();
  teacher.assertCleanConsole();
  await applicant.close();
  await teacher.close();
});
