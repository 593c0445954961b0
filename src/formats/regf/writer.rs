//! A minimal registry hive (regf) writer, for tests and the demo-Windows
//! fixture generator (`fixtures/windows/make.rs`, the example
//! `make-windows-fixture`, includes this file by path; it is not part of
//! the shipped binary). It writes what [`regf`](super) documents: base
//! block with checksum, 4096-byte hive bins, `nk` keys with one shared `sk`
//! security cell, `vk` values (resident data up to 4 bytes, `db` big data
//! over 16344 bytes), `lh` subkey lists sorted by upper-case name and `ri`
//! indexes over them for keys with more than 256 subkeys. Names that fit
//! Latin-1 are stored compressed, others as UTF-16LE. hivex (`hivexsh`)
//! reads its output.

/// A value to write.
#[allow(dead_code)]
pub enum Val {
    Sz(String),
    ExpandSz(String),
    Dword(u32),
    Qword(u64),
    Binary(Vec<u8>),
}

struct Node {
    name: String,
    children: Vec<usize>,
    values: Vec<(String, Val)>,
}

/// A hive under construction: keys are created by path.
pub struct HiveWriter {
    nodes: Vec<Node>,
    bins: Vec<u8>,
    /// The bin being filled: (start, size).
    bin: Option<(usize, usize)>,
}

const SEGMENT: usize = 16344;
const LIST_CHUNK: usize = 256;

#[allow(dead_code)]
impl HiveWriter {
    pub fn new() -> Self {
        Self {
            nodes: vec![Node {
                name: "ROOT".into(),
                children: Vec::new(),
                values: Vec::new(),
            }],
            bins: Vec::new(),
            bin: None,
        }
    }

    /// The key at `path` below the root, created with its parents as needed.
    pub fn key(&mut self, path: &[&str]) -> usize {
        let mut at = 0;
        for part in path {
            let found = self.nodes[at]
                .children
                .iter()
                .copied()
                .find(|&c| self.nodes[c].name.eq_ignore_ascii_case(part));
            at = match found {
                Some(c) => c,
                None => {
                    self.nodes.push(Node {
                        name: (*part).to_owned(),
                        children: Vec::new(),
                        values: Vec::new(),
                    });
                    let id = self.nodes.len() - 1;
                    self.nodes[at].children.push(id);
                    id
                }
            };
        }
        at
    }

    /// Adds a value to a key from [`key`](Self::key).
    pub fn value(&mut self, key: usize, name: &str, v: Val) {
        self.nodes[key].values.push((name.to_owned(), v));
    }

    /// Sets the root key's name (Windows writes e.g. `CMI-CreateHive{...}`).
    pub fn root_name(&mut self, name: &str) {
        self.nodes[0].name = name.to_owned();
    }

    /// Serialises the hive with the given primary and secondary sequence
    /// numbers (equal = clean).
    pub fn finish(mut self, seq1: u32, seq2: u32) -> Vec<u8> {
        // One shared security descriptor cell; its reference count is
        // patched once all keys are written.
        let sk = self.alloc(&sk_cell());
        let root = self.write_key(0, sk, u32::MAX);
        let refs = self.nodes.len() as u32;
        self.patch_u32(sk, 4, sk);
        self.patch_u32(sk, 8, sk);
        self.patch_u32(sk, 12, refs);
        self.close_bin();
        let mut out = vec![0u8; 4096];
        out[..4].copy_from_slice(b"regf");
        out[4..8].copy_from_slice(&seq1.to_le_bytes());
        out[8..12].copy_from_slice(&seq2.to_le_bytes());
        out[12..20].copy_from_slice(&0x01db_43a0_0000_0000u64.to_le_bytes());
        out[20..24].copy_from_slice(&1u32.to_le_bytes());
        out[24..28].copy_from_slice(&5u32.to_le_bytes());
        out[28..32].copy_from_slice(&0u32.to_le_bytes());
        out[32..36].copy_from_slice(&1u32.to_le_bytes());
        out[36..40].copy_from_slice(&root.to_le_bytes());
        out[40..44].copy_from_slice(&(self.bins.len() as u32).to_le_bytes());
        out[44..48].copy_from_slice(&1u32.to_le_bytes());
        let checksum = (0..127).fold(0u32, |acc, i| {
            acc ^ u32::from_le_bytes(out[i * 4..i * 4 + 4].try_into().unwrap())
        });
        out[508..512].copy_from_slice(&checksum.to_le_bytes());
        out.extend_from_slice(&self.bins);
        out
    }

    fn patch_u32(&mut self, cell: u32, at: usize, v: u32) {
        let p = cell as usize + 4 + at;
        self.bins[p..p + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// Appends a cell holding `data`; returns its offset. Cells never cross
    /// a bin: the rest of a bin that is too small becomes a free cell.
    fn alloc(&mut self, data: &[u8]) -> u32 {
        let size = (data.len() + 4).div_ceil(8) * 8;
        let fits = matches!(self.bin, Some((s, n)) if self.bins.len() + size <= s + n);
        if !fits {
            self.close_bin();
            let start = self.bins.len();
            let bin_size = (size + 32).div_ceil(4096) * 4096;
            let mut h = vec![0u8; 32];
            h[..4].copy_from_slice(b"hbin");
            h[4..8].copy_from_slice(&(start as u32).to_le_bytes());
            h[8..12].copy_from_slice(&(bin_size as u32).to_le_bytes());
            self.bins.extend_from_slice(&h);
            self.bin = Some((start, bin_size));
        }
        let off = self.bins.len() as u32;
        self.bins.extend_from_slice(&(-(size as i32)).to_le_bytes());
        self.bins.extend_from_slice(data);
        self.bins.resize(off as usize + size, 0);
        off
    }

    /// Fills the current bin's tail with one free cell.
    fn close_bin(&mut self) {
        let Some((start, size)) = self.bin.take() else {
            return;
        };
        let end = start + size;
        let rest = end - self.bins.len();
        if rest > 0 {
            let at = self.bins.len();
            self.bins.resize(end, 0);
            self.bins[at..at + 4].copy_from_slice(&(rest as i32).to_le_bytes());
        }
    }

    fn write_key(&mut self, id: usize, sk: u32, parent: u32) -> u32 {
        // Values first, then subkeys, then the key node, which points at both.
        let values = std::mem::take(&mut self.nodes[id].values);
        let mut value_offs = Vec::new();
        let mut max_vname = 0;
        let mut max_vdata = 0;
        for (name, v) in &values {
            value_offs.push(self.write_value(name, v));
            max_vname = max_vname.max(name.len() * 2);
            max_vdata = max_vdata.max(val_bytes(v).1.len());
        }
        let value_list = if value_offs.is_empty() {
            u32::MAX
        } else {
            let bytes: Vec<u8> = value_offs.iter().flat_map(|o| o.to_le_bytes()).collect();
            self.alloc(&bytes)
        };
        let mut children = self.nodes[id].children.clone();
        children.sort_by_key(|&c| self.nodes[c].name.to_uppercase());
        let mut child_offs = Vec::new();
        let mut max_name = 0;
        for &c in &children {
            // The parent offset is patched below, once the key is written.
            child_offs.push((self.write_key(c, sk, 0), self.nodes[c].name.clone()));
            max_name = max_name.max(self.nodes[c].name.len() * 2);
        }
        let subkey_list = match child_offs.len() {
            0 => u32::MAX,
            n if n <= LIST_CHUNK => self.write_lh(&child_offs),
            _ => {
                let chunks: Vec<u32> = child_offs
                    .chunks(LIST_CHUNK)
                    .map(|c| self.write_lh(c))
                    .collect();
                let mut ri = b"ri".to_vec();
                ri.extend_from_slice(&(chunks.len() as u16).to_le_bytes());
                for c in chunks {
                    ri.extend_from_slice(&c.to_le_bytes());
                }
                self.alloc(&ri)
            }
        };
        let (name_bytes, compressed) = encode_name(&self.nodes[id].name);
        let mut nk = vec![0u8; 76];
        nk[..2].copy_from_slice(b"nk");
        let mut flags: u16 = if compressed { 0x0020 } else { 0 };
        if parent == u32::MAX {
            flags |= 0x0004 | 0x0008; // hive entry, no delete
        }
        nk[2..4].copy_from_slice(&flags.to_le_bytes());
        nk[4..12].copy_from_slice(&0x01db_43a0_0000_0000u64.to_le_bytes());
        nk[16..20].copy_from_slice(&parent.to_le_bytes());
        nk[20..24].copy_from_slice(&(child_offs.len() as u32).to_le_bytes());
        nk[28..32].copy_from_slice(&subkey_list.to_le_bytes());
        nk[32..36].copy_from_slice(&u32::MAX.to_le_bytes());
        nk[36..40].copy_from_slice(&(value_offs.len() as u32).to_le_bytes());
        nk[40..44].copy_from_slice(&value_list.to_le_bytes());
        nk[44..48].copy_from_slice(&sk.to_le_bytes());
        nk[48..52].copy_from_slice(&u32::MAX.to_le_bytes());
        nk[52..56].copy_from_slice(&(max_name as u32).to_le_bytes());
        nk[60..64].copy_from_slice(&(max_vname as u32).to_le_bytes());
        nk[64..68].copy_from_slice(&(max_vdata as u32).to_le_bytes());
        nk[72..74].copy_from_slice(&(name_bytes.len() as u16).to_le_bytes());
        nk.extend_from_slice(&name_bytes);
        let off = self.alloc(&nk);
        for (c, _) in &child_offs {
            self.patch_u32(*c, 16, off);
        }
        off
    }

    fn write_lh(&mut self, keys: &[(u32, String)]) -> u32 {
        let mut lh = b"lh".to_vec();
        lh.extend_from_slice(&(keys.len() as u16).to_le_bytes());
        for (off, name) in keys {
            lh.extend_from_slice(&off.to_le_bytes());
            let hash = name
                .to_uppercase()
                .chars()
                .fold(0u32, |h, c| h.wrapping_mul(37).wrapping_add(c as u32));
            lh.extend_from_slice(&hash.to_le_bytes());
        }
        self.alloc(&lh)
    }

    fn write_value(&mut self, name: &str, v: &Val) -> u32 {
        let (kind, data) = val_bytes(v);
        let (name_bytes, compressed) = encode_name(name);
        let mut vk = vec![0u8; 20];
        vk[..2].copy_from_slice(b"vk");
        vk[2..4].copy_from_slice(&(name_bytes.len() as u16).to_le_bytes());
        vk[12..16].copy_from_slice(&kind.to_le_bytes());
        vk[16..18].copy_from_slice(&(if compressed { 1u16 } else { 0 }).to_le_bytes());
        if data.len() <= 4 {
            vk[4..8].copy_from_slice(&(data.len() as u32 | 0x8000_0000).to_le_bytes());
            vk[8..8 + data.len()].copy_from_slice(&data);
        } else {
            let at = if data.len() > SEGMENT {
                let segs: Vec<u32> = data.chunks(SEGMENT).map(|c| self.alloc(c)).collect();
                let list: Vec<u8> = segs.iter().flat_map(|o| o.to_le_bytes()).collect();
                let list = self.alloc(&list);
                let mut db = b"db".to_vec();
                db.extend_from_slice(&(segs.len() as u16).to_le_bytes());
                db.extend_from_slice(&list.to_le_bytes());
                db.extend_from_slice(&0u32.to_le_bytes());
                self.alloc(&db)
            } else {
                self.alloc(&data)
            };
            vk[4..8].copy_from_slice(&(data.len() as u32).to_le_bytes());
            vk[8..12].copy_from_slice(&at.to_le_bytes());
        }
        vk.extend_from_slice(&name_bytes);
        self.alloc(&vk)
    }
}

fn val_bytes(v: &Val) -> (u32, Vec<u8>) {
    let utf16 = |s: &str| -> Vec<u8> {
        s.encode_utf16()
            .chain(std::iter::once(0))
            .flat_map(|u| u.to_le_bytes())
            .collect()
    };
    match v {
        Val::Sz(s) => (1, utf16(s)),
        Val::ExpandSz(s) => (2, utf16(s)),
        Val::Dword(d) => (4, d.to_le_bytes().to_vec()),
        Val::Qword(q) => (11, q.to_le_bytes().to_vec()),
        Val::Binary(b) => (3, b.clone()),
    }
}

/// Latin-1 when every character fits (compressed), else UTF-16LE.
fn encode_name(name: &str) -> (Vec<u8>, bool) {
    if name.chars().all(|c| (c as u32) < 0x100) {
        (name.chars().map(|c| c as u8).collect(), true)
    } else {
        (
            name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
            false,
        )
    }
}

/// An `sk` cell with a minimal self-relative security descriptor (no owner,
/// no group, a present but empty DACL).
fn sk_cell() -> Vec<u8> {
    let mut sd = vec![1u8, 0];
    sd.extend_from_slice(&0x8004u16.to_le_bytes());
    sd.extend_from_slice(&[0u8; 12]);
    sd.extend_from_slice(&20u32.to_le_bytes());
    sd.extend_from_slice(&[2, 0, 8, 0, 0, 0, 0, 0]); // ACL rev 2, size 8, 0 ACEs
    let mut sk = b"sk".to_vec();
    sk.extend_from_slice(&[0u8; 2]);
    sk.extend_from_slice(&[0u8; 12]); // flink, blink, refcount: patched
    sk.extend_from_slice(&(sd.len() as u32).to_le_bytes());
    sk.extend_from_slice(&sd);
    sk
}
